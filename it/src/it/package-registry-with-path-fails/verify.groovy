def log = new File(basedir, 'build.log').text
assert log.contains('<registry> / -Dfalco-offline.registry: `registry` takes host[:port] only')
assert log.contains('list it in `insecureRegistries`')
assert log.contains('repositoryPrefix')
// a configuration error
assert log.contains('Caused by: org.apache.maven.plugin.MojoExecutionException')
assert !new File(basedir, 'target/falco-offline').exists()
