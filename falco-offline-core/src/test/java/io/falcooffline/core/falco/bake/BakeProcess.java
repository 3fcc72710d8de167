package io.falcooffline.core.falco.bake;

import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.oci.registry.RegistryClientOptions;
import java.util.List;

/**
 * Bakes the {@link BakeFixtures} set in a JVM of its own, so a test can stop it with a signal mid-bake. Argument: the
 * plain-HTTP registry ({@code host:port}) holding the set under {@code falco/}; the result is tagged
 * {@code falco/falco:offline} there.
 */
public final class BakeProcess {

    private BakeProcess() {}

    public static void main(String[] args) {
        try (RegistryClient client = new RegistryClient(
                RegistryClientOptions.builder(args[0]).plainHttp(true).build())) {
            BakeStore store = BakeStore.registry(client);
            FalcoImageBaker.bake(
                    BakeFixtures.request(
                                    "falco/",
                                    store,
                                    store,
                                    "falco/falco:offline",
                                    List.of(BakeFixtures.ARM64, BakeFixtures.AMD64))
                            .build(),
                    ProgressListener.SILENT);
        }
    }
}
