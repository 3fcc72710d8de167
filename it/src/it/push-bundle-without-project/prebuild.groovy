// Starts the empty registry the goal pushes to, then writes an offline bundle for it from a throw-away source
// registry: the bundle records the registry its chart pulls from, and push loads it only there.
import io.falcooffline.core.ProgressListener
import io.falcooffline.core.mirror.Mirror
import io.falcooffline.core.mirror.MirrorRequest
import io.falcooffline.core.oci.registry.RegistryAccess
import io.falcooffline.core.MirrorMode
import io.falcooffline.core.MirrorOptions
import io.falcooffline.core.oci.Descriptor
import io.falcooffline.core.oci.Digests
import io.falcooffline.core.oci.Manifest
import io.falcooffline.core.oci.registry.RegistryClient
import io.falcooffline.core.oci.registry.RegistryClientOptions
import io.falcooffline.core.plan.Disposition
import io.falcooffline.core.plan.PlannedReference
import io.falcooffline.core.plan.ReferenceKind
import java.nio.charset.StandardCharsets

def startLocalRegistry = evaluate(new File(itSupport, 'local-registry.groovy'))
def startRegistry = { String name -> startLocalRegistry(basedir, name) }

def (target, targetHost) = startRegistry('internal-registry')
new File(basedir, 'registry.pid').text = target.pid()
def (source, sourceHost) = startRegistry('source-registry')
try {
    def client = new RegistryClient(RegistryClientOptions.builder(sourceHost).plainHttp(true).build())
    def blob = { String mediaType, byte[] bytes ->
        def descriptor = new Descriptor(mediaType, Digests.sha256(bytes), bytes.length)
        client.pushBlob('acme/rules', descriptor, new ByteArrayInputStream(bytes))
        descriptor
    }
    def config = blob('application/vnd.cncf.falco.rulesfile.config.v1+json',
            '{"name":"acme-rules","version":"1.0.0"}'.getBytes(StandardCharsets.UTF_8))
    def layer = blob('application/vnd.cncf.falco.rulesfile.layer.v1+tar.gz', ('rules ' * 100).getBytes(StandardCharsets.UTF_8))
    def manifest = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",\
"config":{"mediaType":"${config.mediaType()}","digest":"${config.digest()}","size":${config.size()}},\
"layers":[{"mediaType":"${layer.mediaType()}","digest":"${layer.digest()}","size":${layer.size()},\
"annotations":{"org.opencontainers.image.title":"acme_rules.yaml.tar.gz"}}]}"""
    def pushed = Manifest.of('application/vnd.oci.image.manifest.v1+json', manifest.getBytes(StandardCharsets.UTF_8))
    client.pushManifest('acme/rules', '1', pushed)
    client.close()

    def access = RegistryAccess.builder()
    access.insecureRegistries([sourceHost.toString(), targetHost.toString()])
    Mirror.run(
            new MirrorRequest(
                    MirrorOptions.builder()
                            .mode(MirrorMode.BUNDLE)
                            .bundle(new File(basedir, 'bundle').toPath())
                            .bundleAsTar(true)
                            .registryMirror("ghcr.io", sourceHost.toString())
                            .build(),
                    access.build(),
                    targetHost.toString(),
                    [new PlannedReference(ReferenceKind.RULESFILE, 'ghcr.io/acme/rules:1',
                            "${targetHost}/falco/acme/rules:1".toString(), Disposition.REDIRECTED, [])],
                    []),
            ProgressListener.SILENT)
    new File(basedir, 'expected-digest.txt').text = pushed.descriptor().digest()
} catch (Throwable failure) {
    target.destroy()
    throw failure
} finally {
    source.destroy()
}

new File(basedir, 'test.properties').text = """falco-offline.bundle = bundle.tar
falco-offline.registry = ${targetHost}
falco-offline.insecureRegistries = ${targetHost}
"""
return true
