// Makes a git repository holding the chart source under charts/app with the tag v0.1.0, an empty GitOps repository,
// and the internal registry the chart is published to.
def git = { File dir, List<String> args ->
    def command = ['git', '-C', dir.path] + args
    def process = new ProcessBuilder(command).redirectErrorStream(true).start()
    def output = process.inputStream.text
    assert process.waitFor() == 0: "${command.join(' ')}: ${output}"
    output
}

evaluate(new File(itSupport, 'app-chart.groovy'))(new File(basedir, 'source-work/charts/app'), '0.1.0')
def sourceWork = new File(basedir, 'source-work')
git(basedir, ['init', '-q', '--bare', '-b', 'main', 'source.git'])
git(basedir, ['init', '-q', '--bare', '-b', 'main', 'gitops.git'])
git(sourceWork, ['init', '-q', '-b', 'main'])
git(sourceWork, ['add', '-A'])
git(sourceWork, ['-c', 'user.name=IT', '-c', 'user.email=it@localhost', 'commit', '-q', '-m', 'app 0.1.0'])
git(sourceWork, ['-c', 'user.name=IT', '-c', 'user.email=it@localhost', 'tag', '-a', 'v0.1.0', '-m', 'v0.1.0'])
git(sourceWork, ['push', '-q', new File(basedir, 'source.git').path, 'main', '--tags'])

def startLocalRegistry = evaluate(new File(itSupport, 'local-registry.groovy'))
def (registry, host) = startLocalRegistry(basedir, 'internal-registry')
new File(basedir, 'registry.pids').text = "${registry.pid()}\n"
new File(basedir, 'test.properties').text = """falco-offline.registry = ${host}
falco-offline.insecureRegistries = ${host}
"""
return true
