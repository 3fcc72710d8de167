// Starts a source registry holding acme/app:1.0 (standing in for docker.io) and the empty internal registry the goal
// pushes to, and writes the chart that refers to docker.io/acme/app:1.0.
import io.falcooffline.core.oci.Descriptor
import io.falcooffline.core.oci.Digests
import io.falcooffline.core.oci.Manifest
import io.falcooffline.core.oci.registry.RegistryClient
import io.falcooffline.core.oci.registry.RegistryClientOptions
import java.nio.charset.StandardCharsets

def startLocalRegistry = evaluate(new File(itSupport, 'local-registry.groovy'))
def startRegistry = { String name -> startLocalRegistry(basedir, name) }

def (source, sourceHost) = startRegistry('source-registry')
def (target, targetHost) = startRegistry('internal-registry')
new File(basedir, 'registry.pids').text = "${source.pid()}\n${target.pid()}\n"

def client = new RegistryClient(RegistryClientOptions.builder(sourceHost).plainHttp(true).build())
def blob = { String mediaType, byte[] bytes ->
    def descriptor = new Descriptor(mediaType, Digests.sha256(bytes), bytes.length)
    client.pushBlob('acme/app', descriptor, new ByteArrayInputStream(bytes))
    descriptor
}
def config = blob('application/vnd.oci.image.config.v1+json',
        '{"architecture":"arm64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'.getBytes(StandardCharsets.UTF_8))
def layer = blob('application/vnd.oci.image.layer.v1.tar+gzip', ('layer ' * 1000).getBytes(StandardCharsets.UTF_8))
def manifest = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
"config":{"mediaType":"${config.mediaType()}","digest":"${config.digest()}","size":${config.size()}},\
"layers":[{"mediaType":"${layer.mediaType()}","digest":"${layer.digest()}","size":${layer.size()}}]}"""
def pushed = Manifest.of('application/vnd.oci.image.manifest.v1+json', manifest.getBytes(StandardCharsets.UTF_8))
client.pushManifest('acme/app', '1.0', pushed)
client.close()
new File(basedir, 'expected-digest.txt').text = pushed.descriptor().digest()

evaluate(new File(itSupport, 'app-chart.groovy'))(new File(basedir, 'chart'), '1.0.0')

new File(basedir, 'test.properties').text = """falco-offline.registry = ${targetHost}
falco-offline.registryMirrors = docker.io=${sourceHost}
falco-offline.insecureRegistries = ${sourceHost},${targetHost}
"""
return true
