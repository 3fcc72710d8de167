def out = new File(basedir, 'target/falco-offline')
assert new File(out, 'falco-9.0.0.tgz').isFile()
def plan = new File(out, 'falco-offline.plan.json').text
assert plan.contains('192.168.5.96:30003/falco/falcoctl:0.13.0')
assert plan.contains('192.168.5.96:30003/falco/falco:0.44.0')

def log = new File(basedir, 'build.log').text
assert log =~ /falco 9\.0\.0 for 192\.168\.5\.96:30003: \d+ references redirected/
assert log.contains('Chart: ' + new File(out, 'falco-9.0.0.tgz').absolutePath)
