def out = new File(basedir, 'target/falco-offline')
assert new File(out, 'falco-9.0.0.tgz').isFile()
def plan = new File(out, 'falco-offline.plan.json').text
assert plan.contains('192.168.5.96:30003/falco/falcoctl:0.13.0')

def log = new File(basedir, 'build.log').text
assert log =~ /falco 9\.0\.0: \d+ external references \(\d+ redirected to 192\.168\.5\.96:30003/
assert log.contains('Wrote ' + new File(out, 'falco-9.0.0.tgz').absolutePath)

def kubeconfig = new File(out, 'audit/audit-webhook-kubeconfig.yaml').text
assert kubeconfig.contains('server: http://192.168.5.10:30007/k8s-audit')
assert new File(out, 'audit/kube-apiserver-flags.txt').text.contains('--audit-webhook-config-file=')
