package io.falcooffline.core.falco.bake;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.Platform;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.plan.OciReference;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds and writes an image derived from a base image by one added deterministic layer, the way every derived image
 * of falco-offline is made: base layers kept byte for byte, the added layer's diff_id and a history entry appended to
 * the base config, a fixed {@code created}; then blobs first, platform manifests by digest, and the index under its tag
 * last, so a failed run leaves no tag on incomplete content.
 */
final class DerivedImageWriter {

    /**
     * One platform of a derived image.
     *
     * @param base the base image's platform
     * @param layer the added layer
     * @param configBytes the derived config
     * @param config its descriptor
     * @param manifest the derived manifest
     */
    record Built(
            BaseImage.PlatformImage base,
            DeterministicLayer.Written layer,
            byte[] configBytes,
            Descriptor config,
            Manifest manifest) {

        /** This platform of the derived image, as a bake's result names it. */
        BakeResult.PlatformImage platformImage(Platform platform) {
            return new BakeResult.PlatformImage(
                    platform, manifest.descriptor(), config, layer.blob(), layer.diffId(), base.manifest());
        }
    }

    private DerivedImageWriter() {}

    /**
     * Builds one platform: writes the added layer to {@code layerFile} and derives config and manifest.
     *
     * @param baseConfig the base config to derive from (the base's own, or a copy with settings changed)
     */
    static Built build(
            BaseImage.PlatformImage base,
            ObjectNode baseConfig,
            SortedMap<String, DeterministicLayer.LayerFile> files,
            Instant created,
            Path layerFile,
            String createdBy,
            String comment,
            OciReference baseImage) {
        DeterministicLayer.Written layer = DeterministicLayer.write(files, created, layerFile);
        byte[] config = DerivedImage.config(baseConfig, layer.diffId(), created, createdBy, comment);
        Descriptor configDescriptor = new Descriptor(OciJson.OCI_IMAGE_CONFIG, Digests.sha256(config), config.length);
        Manifest manifest = DerivedImage.manifest(
                configDescriptor, base.layers(), layer.blob(), base.manifest(), baseImage.toString());
        return new Built(base, layer, config, configDescriptor, manifest);
    }

    /** Blobs first, then the platform manifests by digest, then the index under the target's tag. */
    static void push(
            BakeStore source,
            BakeStore target,
            OciReference baseImage,
            OciReference image,
            List<Built> builds,
            Manifest index) {
        String sourceRepository = source.repository(baseImage);
        String targetRepository = target.repository(image);
        String step = "copying the base layers";
        try {
            for (Built build : builds) {
                for (ObjectNode layer : build.base().layers()) {
                    copyBlob(
                            source,
                            target,
                            OciJson.descriptor(layer, baseImage.toString()),
                            sourceRepository,
                            targetRepository);
                }
            }
            step = "pushing the added layers and configs";
            for (Built build : builds) {
                pushBlob(
                        target,
                        targetRepository,
                        build.layer().blob(),
                        () -> Files.newInputStream(build.layer().file()));
                pushBlob(target, targetRepository, build.config(), () -> new ByteArrayInputStream(build.configBytes()));
            }
            step = "pushing the platform manifests";
            for (Built build : builds) {
                String digest = build.manifest().descriptor().digest();
                if (target.store().resolve(targetRepository, digest).isEmpty()) {
                    target.store().pushManifest(targetRepository, digest, build.manifest());
                }
            }
            step = "tagging the index";
            String tag = image.tag();
            Optional<Descriptor> current = target.store().resolve(targetRepository, tag);
            if (current.isEmpty()
                    || !current.get().digest().equals(index.descriptor().digest())) {
                target.store().pushManifest(targetRepository, tag, index);
            }
        } catch (RuntimeException | IOException e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new FalcoOfflineException(
                    "Writing the derived image " + image + " to " + target.describe(image) + " failed while " + step
                            + ": " + reason + (step.startsWith("tagging") ? "" : ". No tag was set")
                            + "; run again once the cause is fixed (content already written is reused).",
                    e);
        }
    }

    private static void copyBlob(
            BakeStore source, BakeStore target, Descriptor blob, String sourceRepository, String targetRepository)
            throws IOException {
        if (target.store().hasBlob(targetRepository, blob)) {
            return;
        }
        if (source.store() == target.store() && target.store().mountBlob(targetRepository, blob, sourceRepository)) {
            return;
        }
        try (InputStream in = source.store().fetchBlob(sourceRepository, blob)) {
            target.store().pushBlob(targetRepository, blob, in);
        }
    }

    /** Opens a blob's content. */
    @FunctionalInterface
    interface Content {
        InputStream open() throws IOException;
    }

    private static void pushBlob(BakeStore target, String repository, Descriptor blob, Content content)
            throws IOException {
        if (!target.store().hasBlob(repository, blob)) {
            try (InputStream in = content.open()) {
                target.store().pushBlob(repository, blob, in);
            }
        }
    }
}
