package io.falcooffline.core.falco;

import io.falcooffline.core.Platform;
import java.util.List;

/**
 * The driver-loader image with prebuilt drivers, for the mirror step to build once its base is mirrored: the chart's
 * {@code falco-driver-loader} image plus one layer holding each driver where falcoctl looks before downloading, and
 * {@code HOME} pointing there.
 *
 * <p>falcoctl 0.13.0's {@code driver install} first asks {@code distro.Download} for the driver, which returns
 * {@code ErrAlreadyPresent} when {@code <home>/.falco/<driver version>/<arch>/<file>} exists
 * ({@code pkg/driver/distro/distro.go} toLocalPath, {@code homedir.Get()} being {@code $HOME}); {@code driver install}
 * then loads that file ({@code cmd/driver/install/install.go}: "Skipping download, driver already present", then
 * {@code kmod.Load}, which runs {@code insmod}). The chart mounts an emptyDir on {@code /root/.falco} in the loader
 * ({@code pod-template.tpl}, volume {@code root-falco-fs}), which hides anything the image has there, so the drivers
 * live under another home, {@value #HOME}, and the image's {@code HOME} (set to {@code /root} by the upstream
 * {@code docker/driver-loader/Dockerfile}) names it.
 *
 * @param baseImage the chart's driver-loader image on the internal registry
 * @param image the derived image the values name
 * @param driverVersion the driver version of the loader's Falco, e.g. {@code 10.2.0+driver}
 * @param drivers the drivers, each with its place in the image
 * @param platforms the platforms to build
 */
public record DriverImagePlan(
        String baseImage, String image, String driverVersion, List<Driver> drivers, List<Platform> platforms) {

    /** The home directory of the derived image: falcoctl's {@code ~/.falco} is under it. */
    public static final String HOME = "/opt/falco-offline";

    public DriverImagePlan {
        drivers = List.copyOf(drivers);
        platforms = List.copyOf(platforms);
    }

    /**
     * One driver in the image.
     *
     * @param kernel the kernel, {@code target:release:version}
     * @param architecture {@code x86_64} or {@code aarch64}
     * @param path where it is in the image
     * @param content its bytes
     * @param digest their sha256
     * @param url where it was read
     */
    public record Driver(String kernel, String architecture, String path, byte[] content, String digest, String url) {}

    /** Where falcoctl looks for a driver of this version and architecture in the derived image. */
    public static String path(String driverVersion, String architecture, String fileName) {
        return HOME + "/.falco/" + driverVersion + "/" + architecture + "/" + fileName;
    }

    /** The drivers for nodes of one architecture. */
    public List<Driver> driversFor(String architecture) {
        return drivers.stream()
                .filter(driver -> driver.architecture().equals(architecture))
                .toList();
    }
}
