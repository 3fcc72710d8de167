def host = new File(basedir, 'test.properties').readLines().find { it.startsWith('falco-offline.registry') }.split('=')[1].trim()
def pid = new File(basedir, 'registry.pid').text.trim() as long
try {
    def log = new File(basedir, 'build.log').text
    assert log.contains('every reference resolves with its recorded digest')
    assert !new File(basedir, 'target').exists()
    def connection = new URL("http://${host}/v2/falco/acme/rules/manifests/1").openConnection()
    connection.setRequestProperty('Accept', 'application/vnd.oci.image.manifest.v1+json')
    assert connection.responseCode == 200
    assert connection.getHeaderField('Docker-Content-Digest') == new File(basedir, 'expected-digest.txt').text
} finally {
    ProcessHandle.of(pid).ifPresent { it.destroy() }
}
