def log = new File(basedir, 'build.log').text
assert log.contains('The chart would still reach outside the internal registry')
assert log.contains('https://falcosecurity.github.io/falcoctl/index.yaml (falco/values.yaml falcoctl.config.indexes[0].url)')
assert log.contains('set strict=false')
// a failure of the build's input, not of its configuration
assert log.contains('Caused by: org.apache.maven.plugin.MojoFailureException')
assert !new File(basedir, 'target/falco-offline').exists()
