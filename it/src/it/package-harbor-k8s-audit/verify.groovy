def out = new File(basedir, 'target/falco-offline')
assert new File(out, 'falco-9.0.0.tgz').isFile()
def plan = new File(out, 'falco-offline.plan.json').text
assert plan.contains('192.168.5.96:30003/falco/falcoctl:0.13.0')

def log = new File(basedir, 'build.log').text
assert log =~ /falco 9\.0\.0: \d+ external references \(\d+ redirected to 192\.168\.5\.96:30003/
assert log.contains('Wrote ' + new File(out, 'falco-9.0.0.tgz').absolutePath)
