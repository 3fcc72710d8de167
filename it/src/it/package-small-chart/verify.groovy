import java.util.zip.GZIPInputStream
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream

def chart = new File(basedir, 'target/falco-offline/small-app-0.1.0.tgz')
assert chart.isFile()
def plan = new File(basedir, 'target/falco-offline/falco-offline.plan.json').text
assert plan.contains('docker.io/acme/app:1.0')
assert plan.contains('registry.internal:5000/mirror/acme/app:1.0')

def values = null
new TarArchiveInputStream(new GZIPInputStream(chart.newInputStream())).withCloseable { tar ->
    for (def entry = tar.nextEntry; entry != null; entry = tar.nextEntry) {
        if (entry.name == 'small-app/values.yaml') {
            values = new String(tar.readAllBytes(), 'UTF-8')
        }
    }
}
assert values != null
assert values.contains('# The application image.')
assert values.contains('registry.internal:5000')
assert !values.contains('docker.io')

def log = new File(basedir, 'build.log').text
assert log.contains('small-app 0.1.0: 1 external references (1 redirected to registry.internal:5000')
assert log.contains('docker.io/acme/app:1.0 -> registry.internal:5000/mirror/acme/app:1.0')

// attached to the project, so install put it beside the POM
def installed = new File(localRepositoryPath, 'io/falcooffline/it/package-small-chart/1.0/package-small-chart-1.0-small-app.tgz')
assert installed.bytes == chart.bytes
