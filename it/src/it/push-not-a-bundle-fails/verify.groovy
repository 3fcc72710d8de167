def log = new File(basedir, 'build.log').text
assert log.contains('is not an offline bundle: it lacks oci-layout or index.json')
assert log.contains('Give the directory or .tar written by falco-offline:package')
// a build failure, not a configuration error: the parameters were fine
assert log.contains('Caused by: org.apache.maven.plugin.MojoFailureException')
