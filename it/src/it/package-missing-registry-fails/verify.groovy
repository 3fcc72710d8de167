def log = new File(basedir, 'build.log').text
assert log.contains('<registry> / -Dfalco-offline.registry: No internal registry given')
assert log.contains('e.g. 192.168.5.96:30003')
// a configuration error
assert log.contains('Caused by: org.apache.maven.plugin.MojoExecutionException')
assert !new File(basedir, 'target/falco-offline').exists()
