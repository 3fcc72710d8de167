def log = new File(basedir, 'build.log').text
assert !log.contains('The chart would still reach outside the internal registry')
assert log.contains('falcoctl short names resolve through the built-in subset')
def plan = new File(basedir, 'target/falco-offline/falco-offline.plan.json').text
assert plan.contains('"falco"')
assert plan.contains('artifact.noVerify')
assert plan.contains('--plain-http')
assert new File(basedir, 'target/falco-offline/falco-9.0.0.tgz').exists()
