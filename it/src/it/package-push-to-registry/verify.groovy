def host = new File(basedir, 'test.properties').readLines().find { it.startsWith('falco-offline.registry ') }.split('=')[1].trim()
try {
    def out = new File(basedir, 'target/falco-offline')
    assert new File(out, 'app-1.0.0.tgz').isFile()
    assert new File(out, 'falco-offline.lock.json').text.contains("${host}/mirror/acme/app:1.0")

    def connection = new URL("http://${host}/v2/mirror/acme/app/manifests/1.0").openConnection()
    connection.setRequestProperty('Accept', 'application/vnd.oci.image.manifest.v1+json')
    assert connection.responseCode == 200
    assert connection.getHeaderField('Docker-Content-Digest') == new File(basedir, 'expected-digest.txt').text

    def log = new File(basedir, 'build.log').text
    assert log.contains("docker.io/acme/app:1.0 -> ${host}/mirror/acme/app:1.0")
} finally {
    new File(basedir, 'registry.pids').readLines().each { pid -> ProcessHandle.of(pid as long).ifPresent { it.destroy() } }
}
