def log = new File(basedir, 'build.log').text
def bundle = new File(basedir, 'not-a-directory/bundle').path
def error = log.readLines().find { it.startsWith('[ERROR] Failed to execute goal io.falcooffline:falco-offline-maven-plugin') }
assert error != null
// the one-line error names the bundle and says what to check
assert error.contains(bundle)
assert error.contains('writable')
// a FalcoOfflineException, not a raw I/O exception surfacing from the core
assert !log.contains('UncheckedIOException')
assert !log.contains('Caused by: java.io.UncheckedIOException')
// nothing of the run is left
assert !new File(basedir, 'target/falco-offline/small-app-0.1.0.tgz').exists()
assert !new File(basedir, 'target/falco-offline/falco-offline.plan.json').exists()
assert new File(basedir, 'not-a-directory').isFile()
