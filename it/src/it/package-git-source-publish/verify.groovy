def host = new File(basedir, 'test.properties').readLines().find { it.startsWith('falco-offline.registry ') }.split('=')[1].trim()
def git = { List<String> args ->
    def command = ['git', '-C', new File(basedir, 'gitops.git').path] + args
    def process = new ProcessBuilder(command).redirectErrorStream(true).start()
    def output = process.inputStream.text
    assert process.waitFor() == 0: "${command.join(' ')}: ${output}"
    output
}
try {
    def out = new File(basedir, 'target/falco-offline')
    assert new File(out, 'app-0.1.0.tgz').isFile()
    def index = new File(out, 'index.yaml').text
    assert index.contains('https://charts.example.com/falco/app-0.1.0.tgz')

    // the Helm OCI chart on the internal registry
    def connection = new URL("http://${host}/v2/charts/app/manifests/0.1.0").openConnection()
    connection.setRequestProperty('Accept', 'application/vnd.oci.image.manifest.v1+json')
    assert connection.responseCode == 200
    assert connection.inputStream.text.contains('application/vnd.cncf.helm.chart.content.v1.tar+gzip')

    // the GitOps commit with the unpacked chart and the plan
    def files = git(['ls-tree', '-r', '--name-only', 'lab'])
    assert files.contains('clusters/lab/app/app/Chart.yaml')
    assert files.contains('clusters/lab/app/falco-offline.plan.json')
    def chartYaml = git(['show', 'lab:clusters/lab/app/app/Chart.yaml'])
    assert chartYaml.contains('falco-offline.io/source:')
    assert chartYaml.contains('v0.1.0 charts/app')
    assert chartYaml.contains('falco-offline.io/source-digest: git:')
    def values = git(['show', 'lab:clusters/lab/app/app/values.yaml'])
    assert values.contains(host)
    assert git(['log', '-1', '--format=%B', 'lab']).contains('falco-offline: app 0.1.0 from')
    // the offline second run found the chart in the cache and had nothing new to commit
    assert git(['rev-list', '--count', 'lab']).trim() == '1'
    assert new File(basedir, 'build.log').text.contains('nothing to commit')
} finally {
    new File(basedir, 'registry.pids').readLines().each { pid -> ProcessHandle.of(pid as long).ifPresent { it.destroy() } }
}
