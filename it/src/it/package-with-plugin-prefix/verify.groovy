def out = new File(basedir, 'falco-offline')
assert new File(out, 'small-app-0.1.0.tgz').isFile()
assert new File(out, 'falco-offline.plan.json').text.contains('registry.internal:5000/from-cli/app:1.0')
assert new File(basedir, 'build.log').text.contains('falco-offline-maven-plugin:')
