// Installs the plugin into this build's repository the way a user's `mvn install` does (the plugin module's own
// install step, with the group-level metadata it writes), because maven-invoker's own install copies the artifacts
// without that metadata. Without it Maven 3.8.x cannot map the prefix `falco-offline` to the plugin.
def root = new File(basedir, '../../../..').canonicalFile
def localRepository = new File(root, 'it/target/local-repo')
def mvn = new File(System.getProperty('maven.home'), 'bin/mvn').path
// the build's own plugins and dependencies come from the outer build's repository, as in the other projects'
// settings, and from Maven Central for anything the outer build did not need
def outerRepository = new File(System.getProperty('user.home'), '.m2/repository').toURI()
def repository = { String kind -> "<${kind}><id>outer</id><url>${outerRepository}</url></${kind}>" }
def settings = new File(basedir, 'install-settings.xml')
settings.text = """<settings><profiles><profile><id>outer</id><activation><activeByDefault>true</activeByDefault>\
</activation><repositories>${repository('repository')}</repositories>\
<pluginRepositories>${repository('pluginRepository')}</pluginRepositories></profile></profiles></settings>"""
def command = [mvn, '-B', '-q', '-Pquick-build', '-DskipTests', '-s', settings.path,
               "-Dmaven.repo.local=${localRepository}".toString(),
               '-f', new File(root, 'falco-offline-maven-plugin/pom.xml').path,
               // shade:shade as the plugin's package phase runs it: the jar carries the core and its libraries,
               // and install:install then installs the dependency-reduced POM that names helm-java alone
               'jar:jar', 'plugin:addPluginArtifactMetadata', 'shade:shade', 'install:install']
def process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(new File(basedir, 'plugin-install.log')).start()
assert process.waitFor() == 0 : new File(basedir, 'plugin-install.log').text
def groupMetadata = new File(localRepository, 'io/falcooffline/maven-metadata-local.xml')
assert groupMetadata.text.contains('<prefix>falco-offline</prefix>')
