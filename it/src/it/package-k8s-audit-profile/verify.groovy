def out = new File(basedir, 'target/falco-offline')
assert new File(out, 'falco-9.0.0.tgz').isFile()
def plan = new File(out, 'falco-offline.plan.json').text
assert plan.contains('192.168.5.96:30003/falco/k8saudit-rules:0.16')
assert plan.contains('192.168.5.96:30003/falco/k8saudit:0.16')
assert plan.contains('192.168.5.96:30003/falco/json:0.7.0')

def kubeconfig = new File(out, 'audit/audit-webhook-kubeconfig.yaml').text
assert kubeconfig.contains('server: http://10.0.0.5:30123/k8s-audit')
assert kubeconfig.contains('kube-audit/falco-k8saudit-webhook')
assert new File(out, 'audit/audit-policy.yaml').text.contains('kind: Policy')

def log = new File(basedir, 'build.log').text
// the profile runs falcoctl without an index, so nothing is left pointing upstream and strict passes
assert !log.contains('falcosecurity.github.io')
