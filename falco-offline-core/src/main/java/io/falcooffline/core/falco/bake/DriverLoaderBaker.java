package io.falcooffline.core.falco.bake;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.Platform;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.falco.DriverImagePlan;
import io.falcooffline.core.falco.DriverKernel;
import io.falcooffline.core.io.ScratchDirectory;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.plan.OciReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the driver-loader image with prebuilt drivers ({@link DriverImagePlan}) from OCI content alone: per platform,
 * the base loader's layers, one deterministic layer with that architecture's drivers under
 * {@value DriverImagePlan#HOME}{@code /.falco/<driver version>/<arch>/}, and {@code HOME} set to
 * {@value DriverImagePlan#HOME} in the config's {@code Env}, so falcoctl finds them before downloading.
 */
public final class DriverLoaderBaker {

    /**
     * The image written.
     *
     * @param index the OCI image index its tag points at
     * @param platforms each platform's manifest, config and added layer (the one with the drivers)
     */
    public record Built(Descriptor index, List<BakeResult.PlatformImage> platforms) {}

    private DriverLoaderBaker() {}

    /**
     * Builds the image from its base in {@code store} and writes it there.
     *
     * @throws BakeException when the base image lacks a platform or is not an image
     * @throws FalcoOfflineException when reading or writing the store fails (no tag set then)
     */
    public static Built bake(DriverImagePlan plan, BakeStore store, ProgressListener listener) {
        OciReference base = plan.baseImage();
        OciReference image = plan.image();
        List<Platform> platforms = plan.platforms().stream()
                .sorted(Comparator.comparing(Platform::toString))
                .toList();
        BaseImage baseImage = BaseImage.read(store, base, platforms);
        try (ScratchDirectory scratch = workDirectory(image)) {
            Path work = scratch.path();
            List<DerivedImageWriter.Built> builds = new ArrayList<>();
            List<Platform> built = new ArrayList<>();
            for (Platform platform : platforms) {
                String architecture = DriverKernel.driverArchitecture(platform).orElseThrow();
                BaseImage.PlatformImage basePlatform = baseImage.platforms().get(platform);
                SortedMap<String, DeterministicLayer.LayerFile> files = new TreeMap<>();
                for (DriverImagePlan.Driver driver : plan.driversFor(architecture)) {
                    Path file = work.resolve(driver.digest().substring("sha256:".length()) + ".ko");
                    Files.write(file, driver.content());
                    files.put(
                            driver.path(),
                            new DeterministicLayer.LayerFile(
                                    file, DeterministicLayer.Role.CONFIG, "the driver for " + driver.kernel()));
                }
                Instant created = DerivedImage.created(basePlatform.config())
                        .orElse(Instant.EPOCH)
                        .truncatedTo(ChronoUnit.SECONDS);
                builds.add(DerivedImageWriter.build(
                        basePlatform,
                        withHome(basePlatform.config()),
                        files,
                        created,
                        work.resolve("layer-" + builds.size() + ".tar.gz"),
                        "falco-offline drivers: " + plan.driverVersion() + " for "
                                + plan.driversFor(architecture).stream()
                                        .map(DriverImagePlan.Driver::kernel)
                                        .toList(),
                        "HOME=" + DriverImagePlan.HOME + ", where falcoctl looks for the drivers before downloading",
                        base));
                built.add(platform);
            }
            Manifest index = DerivedImage.index(
                    builds.stream().map(DerivedImageWriter.Built::manifest).toList(),
                    builds.stream().map(build -> build.base().platform()).toList());
            DerivedImageWriter.push(store, store, base, image, builds, index);
            List<BakeResult.PlatformImage> images = new ArrayList<>();
            for (int i = 0; i < builds.size(); i++) {
                images.add(builds.get(i).platformImage(built.get(i)));
            }
            listener.info("Built the driver loader " + image + "@"
                    + index.descriptor().digest() + " from " + base + " with "
                    + plan.drivers().size() + " driver(s) for " + built + ".");
            return new Built(index.descriptor(), images);
        } catch (IOException e) {
            throw new FalcoOfflineException("Cannot stage the drivers for " + image + ": " + e, e);
        }
    }

    /** The base config with {@code HOME} in {@code config.Env} replaced, or added. */
    static ObjectNode withHome(ObjectNode baseConfig) {
        ObjectNode config = baseConfig.deepCopy();
        JsonNode inner = config.get("config");
        ObjectNode settings = inner instanceof ObjectNode object ? object : config.putObject("config");
        ArrayNode env = settings.putArray("Env");
        JsonNode before = baseConfig.path("config").path("Env");
        for (JsonNode variable : before) {
            if (!variable.asString("").startsWith("HOME=")) {
                env.add(variable.asString(""));
            }
        }
        env.add("HOME=" + DriverImagePlan.HOME);
        return config;
    }

    /** Deleted when the build ends, and when the JVM stops during it (SIGTERM, Ctrl-C). */
    private static ScratchDirectory workDirectory(OciReference image) {
        try {
            return ScratchDirectory.create("falco-offline-drivers-");
        } catch (IOException e) {
            throw new FalcoOfflineException(
                    "Cannot create a working directory to build " + image + ": " + e.getMessage(), e);
        }
    }
}
