package io.falcooffline.core.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.falcooffline.core.oci.layout.OciLayoutStore;
import io.falcooffline.core.testing.SyntheticArtifact;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Across the internet every manifest costs a round trip: an index's manifests are fetched at the same time. */
class ArtifactGraphLookupsTest {

    @TempDir
    Path directory;

    @Test
    void theManifestsOfAnIndexAreFetchedAtTheSameTime() throws Exception {
        SyntheticArtifact plugin = SyntheticArtifacts.plugin("k8saudit", "0.16.0", "3.10.0");
        assertEquals(2, plugin.children().size(), "a two-platform plugin");
        ExecutorService helpers = Executors.newCachedThreadPool();
        try (OciLayoutStore store = OciLayoutStore.openForWriting(directory)) {
            plugin.pushTo(store, "plugins/k8saudit", "0.16.0");
            // Each platform manifest's fetch waits until the other's has started: only fetched together do both end.
            CountDownLatch bothAsked = new CountDownLatch(plugin.children().size());
            OciStore slowChildren = (OciStore) Proxy.newProxyInstance(
                    OciStore.class.getClassLoader(), new Class<?>[] {OciStore.class}, (proxy, method, arguments) -> {
                        if (method.getName().equals("fetchManifest") && ((String) arguments[1]).startsWith("sha256:")) {
                            bothAsked.countDown();
                            if (!bothAsked.await(10, TimeUnit.SECONDS)) {
                                throw new IllegalStateException("the platform manifests were fetched one by one");
                            }
                        }
                        try {
                            return method.invoke(store, arguments);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });

            ArtifactGraph graph = ArtifactGraph.fetch(
                    slowChildren,
                    "plugins/k8saudit",
                    "0.16.0",
                    List.of(),
                    "k8saudit",
                    new HelpedWork(helpers, 4, HelpedWork.Admission.OPEN));

            assertEquals(plugin.children().size(), graph.children().size());
            assertEquals(plugin.digest(), graph.root().descriptor().digest());
            assertEquals(
                    plugin.blobs().stream()
                            .map(blob -> blob.descriptor().digest())
                            .collect(Collectors.toSet()),
                    graph.blobs().stream().map(Descriptor::digest).collect(Collectors.toSet()),
                    "the configs and layers of both platforms");
        } finally {
            helpers.shutdownNow();
        }
    }
}
