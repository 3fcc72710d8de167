package io.falcooffline.core.falco;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.Platform;
import io.falcooffline.core.io.SafeText;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One node kernel as falcoctl 0.13.0 names it when it looks for a prebuilt driver: {@code TARGET_ID},
 * {@code FIXED_KERNEL_RELEASE} and {@code FIXED_KERNEL_VERSION} of {@code falcoctl driver printenv}
 * ({@code cmd/driver/printenv/printenv.go}), e.g. {@code ubuntu-generic:5.4.0-150-generic:167}. The driver's file is
 * {@code falco_<target>_<release>_<version>.ko} ({@code pkg/driver/distro/distro.go} toFilename, kmod's
 * {@code Extension}).
 *
 * @param target the distribution's target id, e.g. {@code ubuntu-generic}, {@code debian}, {@code amazonlinux2}
 * @param release the kernel release as falcoctl fixes it ({@code uname -r} for most targets)
 * @param version the kernel version as falcoctl fixes it (the number after {@code #} in {@code uname -v} for most)
 * @param architecture the one driver architecture ({@code x86_64} or {@code aarch64}) this kernel runs on; empty
 *     when it is on every platform mirrored
 */
public record DriverKernel(String target, String release, String version, Optional<String> architecture) {

    /** The kernels a run takes at most. */
    public static final int MAX_KERNELS = 64;

    /** Letters, digits and {@code . _ + ~ -}: what driverkit puts in driver file names, and nothing a path can abuse. */
    private static final Pattern FIELD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+~-]{0,127}");

    private static final String FORMAT = "target:release:version[:arch], e.g. ubuntu-generic:5.4.0-150-generic:167 or"
            + " debian:6.1.0-10-cloud-arm64:1:aarch64, as `falcoctl driver printenv` prints TARGET_ID,"
            + " FIXED_KERNEL_RELEASE and FIXED_KERNEL_VERSION";

    public DriverKernel {
        architecture = architecture.map(DriverKernel::driverArchitecture);
    }

    /** The driver's file name in the repository and in {@code ~/.falco}. */
    public String fileName() {
        return "falco_" + target + "_" + release + "_" + version + ".ko";
    }

    /** Whether this kernel runs on nodes of the driver architecture {@code x86_64} or {@code aarch64}. */
    public boolean runsOn(String driverArchitecture) {
        return architecture.map(driverArchitecture::equals).orElse(true);
    }

    @Override
    public String toString() {
        return target + ":" + release + ":" + version
                + architecture.map(arch -> ":" + arch).orElse("");
    }

    /**
     * The {@code driverKernels} parameter: entries separated by commas, semicolons or white space.
     *
     * @throws InvalidRequestException naming the entry that is not a kernel
     */
    public static List<DriverKernel> parseList(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        Set<DriverKernel> kernels = new LinkedHashSet<>();
        for (String entry : text.strip().split("[,;\\s]+")) {
            kernels.add(parse(entry));
        }
        if (kernels.size() > MAX_KERNELS) {
            throw new InvalidRequestException(
                    "driverKernels",
                    "`driverKernels` lists " + kernels.size() + " kernels; at most " + MAX_KERNELS + " are taken."
                            + " List the kernels the nodes run now.");
        }
        return List.copyOf(new ArrayList<>(kernels));
    }

    /**
     * One entry, {@code target:release:version[:arch]}.
     *
     * @throws InvalidRequestException naming the entry and the expected form
     */
    public static DriverKernel parse(String entry) {
        String[] fields = entry.strip().split(":", -1);
        if (fields.length < 3 || fields.length > 4) {
            throw invalid(entry, "it has " + fields.length + " field(s)");
        }
        String[] names = {"target", "release", "version", "arch"};
        for (int i = 0; i < fields.length; i++) {
            if (!FIELD.matcher(fields[i]).matches()) {
                throw invalid(
                        entry,
                        "its " + names[i] + " " + SafeText.quote(fields[i])
                                + " is empty, too long or has characters other than letters, digits and . _ + ~ -");
            }
        }
        Optional<String> architecture = Optional.empty();
        if (fields.length == 4) {
            if (!isArchitecture(fields[3])) {
                throw invalid(
                        entry,
                        "its arch " + SafeText.quote(fields[3]) + " is not x86_64, aarch64, amd64 or" + " arm64");
            }
            architecture = Optional.of(fields[3]);
        }
        return new DriverKernel(fields[0], fields[1], fields[2], architecture);
    }

    /** The driver repository's directory for a platform: {@code x86_64} for amd64, {@code aarch64} for arm64. */
    public static Optional<String> driverArchitecture(Platform platform) {
        return switch (platform.architecture()) {
            case "amd64" -> Optional.of("x86_64");
            case "arm64" -> Optional.of("aarch64");
            default -> Optional.empty();
        };
    }

    private static boolean isArchitecture(String text) {
        return List.of("x86_64", "aarch64", "amd64", "arm64").contains(text.toLowerCase(Locale.ROOT));
    }

    private static String driverArchitecture(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "amd64" -> "x86_64";
            case "arm64" -> "aarch64";
            default -> lower;
        };
    }

    private static InvalidRequestException invalid(String entry, String why) {
        return new InvalidRequestException(
                "driverKernels",
                "`driverKernels` entry " + SafeText.quote(entry) + " is not a kernel: " + why + ". Write each as "
                        + FORMAT + ".");
    }
}
