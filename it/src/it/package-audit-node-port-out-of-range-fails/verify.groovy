def log = new File(basedir, 'build.log').text
assert log.contains('<auditNodePort> / -Dfalco-offline.auditNodePort:')
assert log.contains('8080')
assert !new File(basedir, 'target/falco-offline').exists()
