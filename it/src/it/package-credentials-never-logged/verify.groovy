import groovy.io.FileType

def secret = 'Pl4nted-S3cret'
def encoded = 'robot:Pl4nted-S3cret'.bytes.encodeBase64().toString()
def log = new File(basedir, 'build.log').text

// the runs really happened with -X, the refusals name the parameter and where credentials belong
assert log.contains('[DEBUG]')
assert log.contains('Configuring mojo')
assert log.contains('`registry` holds a user name or password')
assert log.contains('`registryMirrors` holds a user name or password')
assert log.contains('settings.xml')
assert new File(basedir, 'target/falco-offline/small-app-0.1.0.tgz').isFile()

// the inputs that plant it (and this script) are the only files allowed to hold it
def planted = ['invoker.properties', 'docker/config.json', 'verify.groovy'].collect { new File(basedir, it).canonicalPath }
def leaks = []
basedir.eachFileRecurse(FileType.FILES) { file ->
    if (file.canonicalPath in planted) {
        return
    }
    def text = new String(file.bytes, 'ISO-8859-1')
    if (file.name.endsWith('.tgz')) {
        text += new String(new java.util.zip.GZIPInputStream(file.newInputStream()).bytes, 'ISO-8859-1')
    }
    if (text.contains(secret) || text.contains(encoded)) {
        leaks << file
    }
}
assert leaks.isEmpty(): "the planted password is in ${leaks}"
