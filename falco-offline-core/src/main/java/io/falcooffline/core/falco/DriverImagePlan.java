package io.falcooffline.core.falco;

import io.falcooffline.core.Platform;
import io.falcooffline.core.plan.OciReference;
import java.util.List;

/**
 * The driver-loader image with prebuilt drivers, for the mirror step to build once its base is mirrored: the chart's
 * {@code falco-driver-loader} image plus one layer holding each driver where falcoctl looks before downloading, and
 * {@code HOME} pointing there.
 *
 * <p>Why falcoctl uses them with nothing reachable (falcoctl v0.13.0, Falco 0.44.0, chart falco-9.0.0):
 *
 * <ul>
 *   <li>{@code cmd/driver/install/install.go} 158-183: {@code driver install} first calls {@code distro.Download};
 *       on {@code ErrAlreadyPresent} it logs "Skipping download, driver already present" and returns the path, and
 *       lines 66-74 then call {@code driver.Type.Load} with it; with download off, {@code distro.Build} (lines
 *       192-215) answers the same for the same path (distro.go 173-177).
 *   <li>{@code pkg/driver/distro/distro.go} 245-250: {@code Download} returns {@code ErrAlreadyPresent} when
 *       {@code toLocalPath} exists, before any GET; 134-136: {@code toLocalPath} is
 *       {@code homedir.Get()/.falco/<driver version>/<arch>/<file>}; 138-142: the file is
 *       {@code falco_<target>_<fixed release>_<fixed version>.ko}. {@code homedir.Get()} (docker
 *       {@code pkg/homedir/homedir.go}) is {@code os.UserHomeDir()}, {@code $HOME} on Linux.
 *   <li>{@code pkg/driver/type/kmod.go} 121-146: {@code Load} runs {@code insmod} on that path.
 *   <li>{@code cmd/driver/driver_linux.go} 180-182, 211-238: the driver version is the greatest
 *       {@code /usr/src/falco-*} of the loader image.
 *   <li>The chart mounts the emptyDir {@code root-falco-fs} on {@code /root/.falco} in the loader
 *       ({@code templates/pod-template.tpl} 234-235, 334-335), which hides anything the image has there, and the
 *       upstream {@code docker/driver-loader/Dockerfile} sets {@code ENV HOME=/root}. So the drivers live under
 *       another home, {@value #HOME}, and the derived image's {@code Env} sets {@code HOME} to it; the pod spec
 *       sets no {@code HOME}, so the image's wins.
 * </ul>
 *
 * @param baseImage the chart's driver-loader image on the internal registry
 * @param image the derived image the values name
 * @param driverVersion the driver version of the loader's Falco, e.g. {@code 10.2.0+driver}
 * @param drivers the drivers, each with its place in the image
 * @param platforms the platforms to build
 */
public record DriverImagePlan(
        OciReference baseImage,
        OciReference image,
        String driverVersion,
        List<Driver> drivers,
        List<Platform> platforms) {

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
