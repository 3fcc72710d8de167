// Evaluates to a closure (File basedir, String name) that starts the CNCF distribution registry on a free loopback
// port, storing under basedir/name, and returns [process, "127.0.0.1:port"]. The process is stopped when the JVM
// running the build scripts exits, at the latest.
return { File basedir, String name ->
    def port = new ServerSocket(0).withCloseable { it.localPort }
    def dir = new File(basedir, name)
    dir.mkdirs()
    def config = new File(dir, 'config.yml')
    config.text = """version: 0.1
storage:
  filesystem:
    rootdirectory: ${new File(dir, 'storage')}
http:
  addr: 127.0.0.1:${port}
"""
    def process = new ProcessBuilder('/usr/bin/docker-registry', 'serve', config.path)
            .redirectErrorStream(true).redirectOutput(new File(dir, 'registry.log')).start()
    Runtime.runtime.addShutdownHook(new Thread({ process.destroy() }))
    for (int i = 0; i < 100; i++) {
        try {
            if (new URL("http://127.0.0.1:${port}/v2/").openConnection().responseCode == 200) {
                return [process, "127.0.0.1:${port}"]
            }
        } catch (IOException ignored) {
            Thread.sleep(100)
        }
    }
    process.destroyForcibly()
    throw new IllegalStateException("docker-registry did not start: " + new File(dir, 'registry.log').text)
}
