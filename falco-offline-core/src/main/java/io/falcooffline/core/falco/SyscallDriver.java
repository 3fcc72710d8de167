package io.falcooffline.core.falco;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.Platform;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.reference.FoundReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * What the nodes need for Falco's syscall driver, decided from the effective values the way the chart and the
 * driver loader act on them, and the prebuilt drivers delivered for the kernels the user lists.
 *
 * <p>The chart (9.0.0 {@code _helpers.tpl} {@code driverLoader.enabled}, {@code pod-template.tpl}) runs the
 * {@code falco-driver-loader} init container when the driver and the loader are on and the kind is not
 * {@code modern_ebpf}/{@code modern-bpf} (nor {@code gvisor} in charts 4.x to 8.x). Its entrypoint
 * ({@code docker/driver-loader/docker-entrypoint.sh}, Falco 0.44.0) runs {@code falcoctl driver config} with
 * {@code --type modern_ebpf --type kmod} for {@code auto} (Falco 0.41 to 0.43 add {@code ebpf}) and then
 * {@code falcoctl driver install}; falcoctl takes the first type the kernel supports ({@code pkg/driver/distro/
 * generic.go} PreferredDriver; {@code modernbpf.go} probes a BPF tracing program and the ring buffer). A kernel module
 * is downloaded from {@code driver.repos} ({@code https://download.falco.org/driver} by default) or built from the
 * node's kernel headers; when both fail the init container exits non-zero and Falco never starts.
 */
public final class SyscallDriver {

    /** Where the chart's values hold the driver-loader image. */
    static final List<Object> LOADER_IMAGE = List.of("driver", "loader", "initContainer", "image");

    /** The most bytes of prebuilt drivers one run reads. */
    static final long MAX_TOTAL_DRIVER_BYTES = 512L * 1024 * 1024;

    private static final String MODERN_EBPF_REQUIREMENT = "a kernel with BTF (CONFIG_DEBUG_INFO_BTF) and the BPF ring"
            + " buffer: 5.8 or later, or a distribution kernel with both backported";

    /**
     * What the step needs of the run.
     *
     * @param effectiveValues the root chart's effective values
     * @param falcoVersion the chart's appVersion
     * @param toInternal maps an upstream reference to the internal registry, as the rewrite does
     * @param isInternal whether a reference is already on the internal registry
     * @param platforms the platforms mirrored; empty for all
     * @param upstream how to reach upstream hosts; empty when mirroring is off and nothing is read
     */
    public record Input(
            Map<String, Object> effectiveValues,
            String falcoVersion,
            UnaryOperator<OciReference> toInternal,
            Predicate<OciReference> isInternal,
            List<Platform> platforms,
            Optional<RegistryAccess> upstream) {}

    /**
     * What the step decided.
     *
     * @param enabled whether the chart runs a syscall driver ({@code driver.enabled})
     * @param kind {@code driver.kind} as the values give it
     * @param loaderRuns whether the chart renders the driver-loader init container
     * @param requirement what every node needs, in words
     * @param notes what the plan says, one line each
     * @param warnings what the user should look at
     * @param edits values to set in the root chart
     * @param image the driver-loader image with prebuilt drivers to build, when kernels are listed
     */
    public record Result(
            boolean enabled,
            String kind,
            boolean loaderRuns,
            String requirement,
            List<String> notes,
            List<String> warnings,
            List<ValuesEdit> edits,
            Optional<DriverImagePlan> image) {

        /** Nothing to decide: not the Falco chart. */
        static Result none() {
            return new Result(false, "", false, "", List.of(), List.of(), List.of(), Optional.empty());
        }

        /**
         * The reference as the chart pulls it: the driver-loader image is not in use when the loader does not run,
         * whatever {@code enabled} flags lie on the way to it.
         */
        public FoundReference asRendered(FoundReference reference) {
            boolean loaderImage = reference.valuesPath().equals(LOADER_IMAGE)
                    && !reference.location().chart().contains("/");
            if (!loaderImage || loaderRuns || !reference.inUse()) {
                return reference;
            }
            return new FoundReference(
                    reference.kind(),
                    reference.form(),
                    reference.written(),
                    reference.source(),
                    reference.location(),
                    reference.valuesPath(),
                    false);
        }

        /** The plan's {@code falco.driver} section: the decision, the kernel requirement, the drivers, notes and warnings. */
        public Map<String, Object> planSection() {
            Map<String, Object> section = new LinkedHashMap<>();
            section.put("enabled", enabled);
            section.put("kind", kind);
            section.put("loaderRuns", loaderRuns);
            section.put("requirement", requirement);
            image.ifPresent(plan -> {
                section.put("loaderImage", plan.image().toString());
                section.put("baseImage", plan.baseImage().toString());
                section.put("driverVersion", plan.driverVersion());
                List<Object> drivers = new ArrayList<>();
                for (DriverImagePlan.Driver driver : plan.drivers()) {
                    Map<String, Object> json = new LinkedHashMap<>();
                    json.put("kernel", driver.kernel());
                    json.put("arch", driver.architecture());
                    json.put("path", driver.path());
                    json.put("digest", driver.digest());
                    json.put("size", driver.content().length);
                    json.put("url", driver.url());
                    drivers.add(json);
                }
                section.put("drivers", drivers);
            });
            section.put("notes", notes);
            section.put("warnings", warnings);
            return section;
        }
    }

    private final DriverOptions options;
    private final ProgressListener listener;

    public SyscallDriver(DriverOptions options, ProgressListener listener) {
        this.options = options;
        this.listener = listener;
    }

    /**
     * Decides, and reads the listed kernels' drivers when the loader runs. Reads only: nothing is written.
     *
     * @throws FalcoArtifactException when a listed kernel's driver is missing or not a kernel module
     * @throws InvalidRequestException when kernels are listed for a setting that cannot use them
     */
    public Result run(Input input) {
        if (!FalcoValues.describeFalco(input.effectiveValues())) {
            return Result.none();
        }
        FalcoValues values = FalcoValues.of(input.effectiveValues());
        String kind = values.string("driver.kind");
        boolean enabled = values.driverEnabled();
        boolean loaderRuns = values.driverLoaderEnabled();
        List<String> notes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        String listed = options.kernels().isEmpty() ? "" : "`driverKernels` is ignored: ";
        if (!enabled) {
            notes.add("driver.enabled is false: Falco watches no syscalls, and the nodes need no driver.");
            if (!listed.isEmpty()) {
                warnings.add(listed + "driver.enabled is false, so no driver is loaded.");
            }
            return new Result(false, kind, false, "none", notes, warnings, List.of(), Optional.empty());
        }
        String normalized = kind.equals("module") ? "kmod" : kind.equals("modern-bpf") ? "modern_ebpf" : kind;
        switch (normalized) {
            case "modern_ebpf" -> {
                notes.add("driver.kind=modern_ebpf: the probe is built into Falco, nothing is downloaded or built on"
                        + " the nodes and the driver-loader image is not pulled (not mirrored); every node needs "
                        + MODERN_EBPF_REQUIREMENT + ".");
                if (!listed.isEmpty()) {
                    warnings.add(listed + "driver.kind=modern_ebpf loads no prebuilt driver.");
                }
                return new Result(
                        true, kind, false, MODERN_EBPF_REQUIREMENT, notes, warnings, List.of(), Optional.empty());
            }
            case "gvisor" -> {
                notes.add("driver.kind=gvisor: Falco reads gVisor's events; no driver loader runs.");
                return new Result(
                        true, kind, false, "gVisor (runsc) on the nodes", notes, warnings, List.of(), Optional.empty());
            }
            default -> {
                // kmod, auto and the older ebpf below.
            }
        }
        String requirement = normalized.equals("auto")
                ? "on nodes whose kernel has BTF and the BPF ring buffer (5.8+), nothing (falcoctl picks modern_ebpf);"
                        + " on the others a kernel module for the node's kernel: prebuilt, or built from the node's"
                        + " kernel headers"
                : normalized.equals("ebpf")
                        ? "an eBPF probe for each node's kernel: prebuilt, or built from the node's kernel headers"
                        : "a kernel module for each node's kernel: prebuilt, or built from the node's kernel headers";
        if (!loaderRuns) {
            notes.add("driver.loader.enabled is false: no init container loads the driver, so " + requirement
                    + " must already be loaded on every node.");
            if (!listed.isEmpty()) {
                warnings.add(listed + "driver.loader.enabled is false, so no loader installs the drivers.");
            }
            return new Result(true, kind, false, requirement, notes, warnings, List.of(), Optional.empty());
        }
        if (normalized.equals("ebpf")) {
            if (!listed.isEmpty()) {
                throw new InvalidRequestException(
                        "driverKernels",
                        "`driverKernels` delivers kernel modules (kmod), but driver.kind=ebpf loads an eBPF probe,"
                                + " which the loader leaves in /root/.falco for Falco to read. Set driver.kind=kmod"
                                + " (or auto) with `driverKernels`, or driver.kind=modern_ebpf when every node has "
                                + MODERN_EBPF_REQUIREMENT + ".");
            }
            warnings.add(offlineRisk(normalized, requirement));
            notes.add("driver.kind=ebpf: the driver loader needs " + requirement + ".");
            return new Result(true, kind, true, requirement, notes, warnings, List.of(), Optional.empty());
        }
        notes.add("driver.kind=" + kind + ": the driver-loader init container runs on every node and needs "
                + requirement + ".");
        Optional<String> ownRepositories = loaderEnv(values, "FALCOCTL_DRIVER_REPOS");
        if (options.kernels().isEmpty()) {
            if (ownRepositories.isPresent()) {
                notes.add("driver.loader.initContainer.env sets FALCOCTL_DRIVER_REPOS=" + ownRepositories.get()
                        + ": the loader downloads drivers from there, which every node without modern eBPF must"
                        + " reach.");
            } else {
                warnings.add(offlineRisk(normalized, requirement));
            }
            return new Result(true, kind, true, requirement, notes, warnings, List.of(), Optional.empty());
        }
        if (input.upstream().isEmpty()) {
            throw new InvalidRequestException(
                    "driverKernels",
                    "`driverKernels` bakes prebuilt drivers into the driver-loader image, which the mirror step"
                            + " builds: turn mirroring on (`mirror` true, or a bundle), or leave `driverKernels` out.");
        }
        DriverImagePlan plan = plan(values, input, notes, warnings);
        OciReference image = plan.image();
        String reason = "the driver-loader image with prebuilt drivers for "
                + options.kernels().size() + " kernel(s)";
        List<ValuesEdit> edits = List.of(
                ValuesEdit.at("driver.loader.initContainer.image.registry", image.registry(), reason),
                ValuesEdit.at("driver.loader.initContainer.image.repository", image.repository(), reason),
                ValuesEdit.at("driver.loader.initContainer.image.tag", image.tag(), reason));
        notes.add("The driver loader runs " + plan.image() + ": " + plan.baseImage() + " with the drivers "
                + plan.driverVersion() + " for " + describe(plan) + " in " + DriverImagePlan.HOME
                + "/.falco, where falcoctl finds them before downloading; a node with another kernel still needs"
                + " its headers or modern eBPF.");
        return new Result(true, kind, true, requirement, notes, warnings, edits, Optional.of(plan));
    }

    private DriverImagePlan plan(FalcoValues values, Input input, List<String> notes, List<String> warnings) {
        OciReference configured = configuredLoader(values, input.falcoVersion());
        OciReference base = input.isInternal().test(configured)
                ? configured
                : input.toInternal().apply(configured);
        String driverVersion = DriverVersions.of(configured.tag())
                .or(() -> DriverVersions.of(input.falcoVersion()))
                .orElseThrow(() -> new FalcoArtifactException(
                        configured.toString(),
                        "falco-offline does not know which driver version the driver loader " + configured + " (Falco "
                                + input.falcoVersion() + ") looks for; it knows " + DriverVersions.known() + "."
                                + " Use a chart of those releases, or leave `driverKernels` out."));
        List<Platform> platforms = input.platforms().isEmpty()
                ? List.of(Platform.parse("linux/amd64"), Platform.parse("linux/arm64"))
                : input.platforms();
        Set<String> architectures = new LinkedHashSet<>();
        List<Platform> built = new ArrayList<>();
        for (Platform platform : platforms) {
            Optional<String> architecture = DriverKernel.driverArchitecture(platform);
            if (architecture.isEmpty()) {
                warnings.add(
                        "No Falco drivers exist for " + platform + "; the driver-loader image for it is left out.");
                continue;
            }
            architectures.add(architecture.get());
            built.add(platform);
        }
        DriverRepository repository =
                new DriverRepository(options.repository(), input.upstream().orElseThrow(), listener);
        List<DriverImagePlan.Driver> drivers = new ArrayList<>();
        long total = 0;
        for (DriverKernel kernel : options.kernels()) {
            if (architectures.stream().noneMatch(kernel::runsOn)) {
                throw new InvalidRequestException(
                        "driverKernels",
                        "`driverKernels` entry " + kernel + " is for "
                                + kernel.architecture().orElseThrow()
                                + ", but the platforms built are " + built + ". Add its platform to `platforms`, or"
                                + " remove the entry.");
            }
            for (String architecture : architectures) {
                if (kernel.runsOn(architecture)) {
                    DriverRepository.Fetched fetched = repository.fetch(driverVersion, architecture, kernel);
                    total += fetched.content().length;
                    if (total > MAX_TOTAL_DRIVER_BYTES) {
                        throw new FalcoArtifactException(
                                kernel.toString(),
                                "The drivers of `driverKernels` add up to more than " + MAX_TOTAL_DRIVER_BYTES
                                        + " bytes by kernel " + kernel + "; list only the kernels the nodes run.");
                    }
                    drivers.add(new DriverImagePlan.Driver(
                            kernel.toString(),
                            architecture,
                            DriverImagePlan.path(driverVersion, architecture, kernel.fileName()),
                            fetched.content(),
                            fetched.digest(),
                            fetched.url().toString()));
                }
            }
        }
        OciReference image = base.withTag(base.tag() + "-drivers-" + contentKey(drivers));
        notes.add("The derived loader's tag names its drivers (" + image.tag() + "), so a node that has an older"
                + " one pulls the new image despite pullPolicy IfNotPresent.");
        return new DriverImagePlan(base, image, driverVersion, drivers, built);
    }

    /** The first 12 hex digits of a digest over every driver's place and digest. */
    private static String contentKey(List<DriverImagePlan.Driver> drivers) {
        StringBuilder text = new StringBuilder();
        drivers.stream()
                .map(driver -> driver.path() + "=" + driver.digest() + "\n")
                .sorted()
                .forEach(text::append);
        return Digests.sha256(text.toString().getBytes(StandardCharsets.UTF_8))
                .substring("sha256:".length(), "sha256:".length() + 12);
    }

    private String offlineRisk(String kind, String requirement) {
        String when = kind.equals("auto")
                ? "On a node whose kernel lacks modern eBPF support (BTF and the BPF ring" + " buffer, about 5.8+), the"
                : "On every node the";
        return when + " driver loader downloads a prebuilt driver from " + DriverOptions.DEFAULT_REPOSITORY
                + " or builds one from the node's kernel headers; offline, without headers, the init container fails"
                + " and Falco does not start. Either list the nodes' kernels in `driverKernels`"
                + " (target:release:version, as `falcoctl driver printenv` prints TARGET_ID, FIXED_KERNEL_RELEASE and"
                + " FIXED_KERNEL_VERSION) so their drivers are baked into the loader image, or set"
                + " driver.kind=modern_ebpf when every node has " + MODERN_EBPF_REQUIREMENT + ". (The nodes need "
                + requirement + ".)";
    }

    /** A plain {@code name: value} variable of the loader's {@code env}, as the chart renders it. */
    private static Optional<String> loaderEnv(FalcoValues values, String name) {
        for (Object variable : values.list("driver.loader.initContainer.env")) {
            if (variable instanceof Map<?, ?> map && name.equals(map.get("name")) && map.get("value") != null) {
                return Optional.of(String.valueOf(map.get("value")));
            }
        }
        return Optional.empty();
    }

    private static String describe(DriverImagePlan plan) {
        Map<String, List<String>> byKernel = new LinkedHashMap<>();
        plan.drivers()
                .forEach(driver -> byKernel.computeIfAbsent(driver.kernel(), k -> new ArrayList<>())
                        .add(driver.architecture()));
        List<String> parts = new ArrayList<>();
        byKernel.forEach((kernel, architectures) -> parts.add(kernel + " " + architectures));
        return String.join(", ", parts);
    }

    private static OciReference configuredLoader(FalcoValues values, String appVersion) {
        String registry = values.string("driver.loader.initContainer.image.registry");
        String repository = values.string("driver.loader.initContainer.image.repository");
        String tag = values.string("driver.loader.initContainer.image.tag");
        return OciReference.parse(
                (registry.isEmpty() ? "" : registry + "/") + repository + ":" + (tag.isEmpty() ? appVersion : tag));
    }
}
