package io.falcooffline.core.node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The chart's {@code falco-driver-loader} init container on one node, as the Falco 0.44.0 driver-loader image runs it
 * with falcoctl 0.13.0. Each step cites the upstream source it follows.
 *
 * <ol>
 *   <li>{@code docker/driver-loader/docker-entrypoint.sh}: the driver is {@code auto}, {@code kmod} or
 *       {@code modern_ebpf} (anything else exits 1); {@code --compile}/{@code --download} enable only what they name,
 *       no option enables both; {@code auto} runs {@code falcoctl driver config --type modern_ebpf --type kmod}, then
 *       {@code falcoctl driver install}.
 *   <li>{@code cmd/driver/driver_linux.go}: the first allowed type the kernel supports ({@code distro/generic.go}
 *       PreferredDriver): {@code modern_ebpf} when the kernel loads a BPF tracing program and has the ring buffer
 *       ({@code type/modernbpf.go}), {@code kmod} on any kernel ({@code type/kmod.go}, SupportsModule); the driver
 *       version is the greatest {@code /usr/src/falco-*} directory of the image (loadDriverVersion).
 *   <li>{@code cmd/driver/install/install.go}: a type without artifacts ({@code modern_ebpf}) needs nothing; else
 *       {@code distro.Download} returns the file at {@code $HOME/.falco/<driver version>/<arch>/<file>} when it exists
 *       ({@code distro/distro.go} toLocalPath, {@code homedir.Get()} is {@code $HOME}: the container's env, else the
 *       image config's {@code Env}, else root's home), else GETs each of {@code FALCOCTL_DRIVER_REPOS} (default
 *       {@code https://download.falco.org/driver}), which the node cannot reach; then {@code distro.Build} finds the
 *       same file, or builds from the kernel headers; {@code kmod.Load} insmods the file; when nothing worked the
 *       command fails and the init container exits non-zero.
 * </ol>
 */
final class DriverLoaderSimulation {

    private static final String DEFAULT_REPOSITORY = "https://download.falco.org/driver";

    /**
     * A node's kernel.
     *
     * @param target falcoctl's target id, e.g. {@code ubuntu-generic}
     * @param release the fixed kernel release
     * @param version the fixed kernel version
     * @param modernEbpf whether it has BTF and the BPF ring buffer, so falcoctl's modern eBPF probe succeeds
     * @param headers whether its headers are on the node, so the driver can be built there
     */
    record NodeKernel(String target, String release, String version, boolean modernEbpf, boolean headers) {

        /** A 6.8 kernel with BTF: modern eBPF works. */
        static NodeKernel modern() {
            return new NodeKernel("ubuntu-generic", "6.8.0-45-generic", "45", true, false);
        }

        /** A kernel without modern eBPF support, {@code target:release:version}, with or without headers. */
        static NodeKernel legacy(String kernel, boolean headers) {
            String[] parts = kernel.split(":");
            return new NodeKernel(parts[0], parts[1], parts[2], false, headers);
        }

        String fileName() {
            return "falco_" + target + "_" + release + "_" + version + ".ko";
        }
    }

    /**
     * What the loader did.
     *
     * @param driver the driver type falcoctl chose, or empty when none could be
     * @param module the kernel module it loaded, when it loaded one
     * @param failure why the init container fails, when it does
     */
    record Outcome(Optional<String> driver, Optional<String> module, Optional<String> failure) {
        static Outcome failed(String why) {
            return new Outcome(Optional.empty(), Optional.empty(), Optional.of("falco-driver-loader: " + why));
        }
    }

    private DriverLoaderSimulation() {}

    /**
     * Runs the loader.
     *
     * @param container the rendered init container
     * @param files its file system: the image's layers under its mounts
     * @param imageConfig the image's config blob
     * @param kernel the node's kernel
     * @param architecture the node's architecture, {@code amd64} or {@code arm64}
     */
    static Outcome run(
            Map<String, Object> container,
            Map<String, byte[]> files,
            JsonNode imageConfig,
            NodeKernel kernel,
            String architecture) {
        String driver = null;
        boolean compile = false;
        boolean download = false;
        boolean options = false;
        for (String arg : strings(container.get("args"))) {
            switch (arg) {
                case "auto", "kmod", "modern_ebpf" -> {
                    if (driver != null) {
                        return Outcome.failed("Only one driver per invocation (args " + container.get("args") + ")");
                    }
                    driver = arg;
                }
                case "--compile" -> {
                    compile = true;
                    options = true;
                }
                case "--download" -> {
                    download = true;
                    options = true;
                }
                default -> {
                    return Outcome.failed((arg.startsWith("--") ? "Unknown option: " : "Unknown driver: ") + arg);
                }
            }
        }
        if (!options) {
            compile = true;
            download = true;
        }
        List<String> allowed =
                driver == null || driver.equals("auto") ? List.of("modern_ebpf", "kmod") : List.of(driver);
        String chosen = null;
        for (String type : allowed) {
            if (type.equals("kmod") || kernel.modernEbpf()) {
                chosen = type;
                break;
            }
        }
        if (chosen == null) {
            return Outcome.failed("no supported driver found for " + kernel.target() + " " + kernel.release()
                    + " (allowed " + allowed + ")");
        }
        if (chosen.equals("modern_ebpf")) {
            return new Outcome(Optional.of(chosen), Optional.empty(), Optional.empty());
        }
        Optional<String> driverVersion = driverVersion(files);
        if (driverVersion.isEmpty()) {
            return Outcome.failed("no /usr/src/falco-* in the image: the driver version is unknown");
        }
        Map<String, String> env = env(container);
        String home = env.getOrDefault("HOME", imageEnv(imageConfig).getOrDefault("HOME", "/root"));
        String driverArchitecture = architecture.equals("arm64") ? "aarch64" : "x86_64";
        String local = home + "/.falco/" + driverVersion.get() + "/" + driverArchitecture + "/" + kernel.fileName();
        List<String> tried = new ArrayList<>();
        if (download) {
            if (files.containsKey(local)) {
                return insmod(local, files.get(local), driverArchitecture);
            }
            for (String repository : env.getOrDefault("FALCOCTL_DRIVER_REPOS", DEFAULT_REPOSITORY)
                    .split(",")) {
                tried.add(
                        "GET " + repository.strip() + "/" + driverVersion.get().replace("+", "%2B") + "/"
                                + driverArchitecture + "/" + kernel.fileName() + " (not reachable from the node)");
            }
        }
        if (compile) {
            if (files.containsKey(local)) {
                return insmod(local, files.get(local), driverArchitecture);
            }
            if (kernel.headers()) {
                return new Outcome(
                        Optional.of("kmod"), Optional.of(local + " (built from the kernel headers)"), Optional.empty());
            }
            tried.add("build: no kernel headers for " + kernel.release() + " on the node");
        }
        return Outcome.failed("falcoctl driver install found no driver for kernel " + kernel.target() + ":"
                + kernel.release() + ":" + kernel.version() + " on " + driverArchitecture + " (no " + local + "; "
                + String.join("; ", tried) + "): the init container exits non-zero and Falco never starts");
    }

    /** {@code kmod.Load}: insmod of a kernel module built for the node's machine. */
    private static Outcome insmod(String path, byte[] module, String driverArchitecture) {
        int machine = module.length < 20 ? -1 : (module[18] & 0xff) | (module[19] & 0xff) << 8;
        int type = module.length < 20 ? -1 : (module[16] & 0xff) | (module[17] & 0xff) << 8;
        int expected = driverArchitecture.equals("aarch64") ? 183 : 62;
        if (module.length < 20 || module[0] != 0x7f || module[1] != 'E' || type != 1 || machine != expected) {
            return Outcome.failed("insmod " + path + " failed: not a kernel module for " + driverArchitecture);
        }
        return new Outcome(Optional.of("kmod"), Optional.of(path), Optional.empty());
    }

    /** loadDriverVersion: the greatest {@code /usr/src/falco-<semver>} directory. */
    private static Optional<String> driverVersion(Map<String, byte[]> files) {
        String best = null;
        for (String path : files.keySet()) {
            if (path.startsWith("/usr/src/falco-")) {
                String version = path.substring("/usr/src/falco-".length()).split("/")[0];
                if (best == null || compareVersions(version, best) > 0) {
                    best = version;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    private static int compareVersions(String left, String right) {
        String[] a = left.split("[+-]")[0].split("\\.");
        String[] b = right.split("[+-]")[0].split("\\.");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            int compared = Integer.compare(Integer.parseInt(a[i]), Integer.parseInt(b[i]));
            if (compared != 0) {
                return compared;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        if (container.get("env") instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> variable && variable.get("value") != null) {
                    env.put(String.valueOf(variable.get("name")), String.valueOf(variable.get("value")));
                }
            }
        }
        return env;
    }

    private static Map<String, String> imageEnv(JsonNode config) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode variable : config.path("config").path("Env")) {
            String text = variable.asString("");
            int equals = text.indexOf('=');
            if (equals > 0) {
                env.put(text.substring(0, equals), text.substring(equals + 1));
            }
        }
        return env;
    }

    private static List<String> strings(Object value) {
        List<String> strings = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(item -> strings.add(String.valueOf(item)));
        }
        return strings;
    }
}
