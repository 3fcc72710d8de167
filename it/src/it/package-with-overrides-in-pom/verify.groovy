def plan = new File(basedir, 'target/falco-offline/falco-offline.plan.json').text
assert plan.contains('registry.internal:5000/hardened/app:1.0')
assert !plan.contains('registry.internal:5000/app:1.0')

def log = new File(basedir, 'build.log').text
assert log.contains('docker.io/acme/app:1.0 -> registry.internal:5000/hardened/app:1.0')
