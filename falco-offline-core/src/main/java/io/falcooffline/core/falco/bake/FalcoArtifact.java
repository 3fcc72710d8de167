package io.falcooffline.core.falco.bake;

import io.falcooffline.core.Platform;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.plan.OciReference;
import java.util.Map;

/**
 * A plugin or rulesfile as falcoctl would install it on each platform.
 *
 * @param reference where it is read
 * @param kind plugin or rulesfile
 * @param name the name in its config
 * @param version the version in its config
 * @param layers for each requested platform, the layer falcoctl would extract there
 */
record FalcoArtifact(
        OciReference reference, ArtifactKind kind, String name, String version, Map<Platform, Layer> layers) {

    FalcoArtifact {
        layers = Map.copyOf(layers);
    }

    /**
     * The one layer of a platform's manifest.
     *
     * @param manifest the manifest it belongs to
     * @param blob the layer
     * @param title its {@code org.opencontainers.image.title}
     */
    record Layer(Descriptor manifest, Descriptor blob, String title) {}

    /** How messages name it: the reference, and the config name and version when they say more. */
    String describe() {
        return kind.displayName() + " " + name + " " + version + " (" + reference + ")";
    }
}
