package io.falcooffline.core.audit;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.falco.FalcoValues;
import io.falcooffline.core.values.Values;
import io.falcooffline.core.yaml.SafeYaml;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Which rules files and plugin libraries the Falco container will find, and where each comes from: installed by
 * falcoctl from its {@code refs}, written by the chart from {@code customRules}, mounted by the user through
 * {@code mounts.volumeMounts}, or left to the image. falco-offline cannot look inside an image: what the image must
 * provide is reported as an assumption, not verified.
 *
 * <p>In the chart, when falcoctl installs or follows artifacts, {@code /etc/falco} and
 * {@code /usr/share/falco/plugins} are empty directories that hide the image's files, so only what falcoctl puts
 * there exists.
 */
public final class DeliveredRules {

    /** Where the Falco container reads rules files installed by falcoctl. */
    public static final String RULES_DIRECTORY = "/etc/falco";

    /** Where the Falco container reads plugin libraries; relative {@code library_path}s resolve here. */
    public static final String PLUGINS_DIRECTORY = "/usr/share/falco/plugins";

    /** Who puts a file into the Falco container. */
    public enum Origin {
        /** falcoctl's init container, before Falco starts. */
        FALCOCTL_INSTALL("falcoctl install"),
        /** falcoctl's follow sidecar, after Falco has started. */
        FALCOCTL_FOLLOW("falcoctl follow"),
        /** The chart itself, e.g. {@code customRules} in {@code /etc/falco/rules.d}. */
        CHART("the chart"),
        /** A volume the user mounts. */
        MOUNT("a user mount");

        private final String description;

        Origin(String description) {
            this.description = description;
        }

        /** A few words for messages, e.g. {@code falcoctl install}. */
        public String description() {
            return description;
        }
    }

    /**
     * A rules file that will exist in the Falco container.
     *
     * @param path absolute path inside the container
     * @param origin who writes it
     * @param source what it comes from, e.g. {@code k8saudit-rules:0.16} or {@code customRules.my-rules.yaml}
     * @param requiredPluginVersions the rules' {@code required_plugin_versions} (plugin name to lowest version);
     *     empty when they declare none or are unknown, see {@code requirementsKnown}
     * @param requirementsKnown whether {@code requiredPluginVersions} is known
     */
    public record RulesFile(
            String path,
            Origin origin,
            String source,
            Map<String, String> requiredPluginVersions,
            boolean requirementsKnown) {
        public RulesFile {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(source, "source");
            requiredPluginVersions = Map.copyOf(requiredPluginVersions);
        }
    }

    /**
     * A plugin library that will exist in the Falco container.
     *
     * @param name the plugin's name, e.g. {@code k8saudit}
     * @param libraryPath absolute path of the {@code .so} inside the container
     * @param origin who writes it
     * @param source what it comes from, e.g. {@code k8saudit:0.16}
     * @param versionTag the version or floating tag it is installed at, e.g. {@code 0.16} or {@code 0.7.0}; empty
     *     when unknown (no tag, {@code latest}, a digest)
     */
    public record Plugin(String name, String libraryPath, Origin origin, String source, String versionTag) {
        public Plugin {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(libraryPath, "libraryPath");
            Objects.requireNonNull(origin, "origin");
            Objects.requireNonNull(source, "source");
            versionTag = versionTag == null ? "" : versionTag;
        }
    }

    /** What a lookup found: the file is delivered, assumed to be provided by something unseen, or missing. */
    enum Status {
        DELIVERED,
        ASSUMED,
        MISSING
    }

    /** The answer to a lookup, with a phrase explaining it for messages. */
    record Location(Status status, String explanation) {}

    private final List<RulesFile> rulesFiles;
    private final List<Plugin> plugins;
    private final List<String> mountedDirectories;
    private final List<String> unknownRulesArtifacts;
    private final String imageRulesDirectory;
    private final String imagePluginsDirectory;

    private DeliveredRules(Builder builder) {
        this.rulesFiles = List.copyOf(builder.rulesFiles);
        this.plugins = List.copyOf(builder.plugins);
        this.mountedDirectories = List.copyOf(builder.mountedDirectories);
        this.unknownRulesArtifacts = List.copyOf(builder.unknownRulesArtifacts);
        this.imageRulesDirectory = builder.imageRulesDirectory;
        this.imagePluginsDirectory = builder.imagePluginsDirectory;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Works out what the chart will deliver from the effective values: falcoctl's {@code install} and {@code follow}
     * refs with its {@code allowedTypes} and {@code resolveDeps}, the plugins the chart adds for the collectors,
     * {@code customRules} and {@code mounts.volumeMounts}. Official artifacts are known by name
     * ({@code k8saudit-rules} installs {@code k8s_audit_rules.yaml} and needs k8saudit and json 0.7.0 up to 0.17,
     * k8saudit 0.18.0 from 0.18); others are reported as unknown.
     *
     * @param effectiveRootValues chart defaults coalesced with the profile and the user's values
     */
    public static DeliveredRules fromValues(Map<String, Object> effectiveRootValues) {
        return fromValues(FalcoValues.of(effectiveRootValues));
    }

    /** {@link #fromValues(Map)} on values already read. */
    public static DeliveredRules fromValues(FalcoValues falco) {
        Map<String, Object> values = falco.raw();
        FalcoValues.Falcoctl falcoctl = falco.falcoctl();
        boolean install = falcoctl.install();
        boolean follow = falcoctl.follow();
        List<String> allowedTypes = new ArrayList<>(falcoctl.allowedTypes());
        List<String> installRefs = install ? new ArrayList<>(falcoctl.installRefs()) : new ArrayList<>();
        List<String> followRefs = follow ? falcoctl.followRefs() : List.of();

        // The chart's helpers add these plugin refs, and the "plugin" type, when the collectors need them.
        boolean driver = Values.isTrueAt(values, "driver.enabled");
        if (install
                && driver
                && Values.isTrueAt(values, "collectors.enabled")
                && Values.isTrueAt(values, "collectors.containerEngine.enabled")) {
            installRefs.add(Values.stringAt(values, "collectors.containerEngine.pluginRef"));
            allowedTypes.add("plugin");
        }
        if (install && driver && Values.isTrueAt(values, "collectors.kubernetes.enabled")) {
            installRefs.add(Values.stringAt(values, "collectors.kubernetes.pluginRef"));
            allowedTypes.add("plugin");
        }
        boolean rulesMounted = (install || follow) && allowedTypes.contains("rulesfile");
        boolean pluginsMounted = (install || follow) && allowedTypes.contains("plugin");
        boolean resolveDeps = falcoctl.resolveDeps();

        Builder builder = builder();
        String image = imageDescription(values);
        if (!rulesMounted) {
            builder.imageRulesDirectory(image + whyImage(install || follow, "rulesfile"));
        }
        if (!pluginsMounted) {
            builder.imagePluginsDirectory(image + whyImage(install || follow, "plugin"));
        }

        List<String> installedPluginNames = new ArrayList<>();
        for (String reference : installRefs) {
            ArtifactRef ref = ArtifactRef.parse(reference);
            if (!ref.rulesfile() && pluginsMounted) {
                installedPluginNames.add(ref.name());
                builder.plugin(new Plugin(
                        ref.name(),
                        PLUGINS_DIRECTORY + "/" + ref.installedFile().orElseThrow(),
                        Origin.FALCOCTL_INSTALL,
                        reference,
                        ref.versions().isPresent() ? ref.tag() : ""));
            }
        }
        addRules(builder, installRefs, Origin.FALCOCTL_INSTALL, rulesMounted);
        addRules(builder, followRefs, Origin.FALCOCTL_FOLLOW, rulesMounted);

        if (resolveDeps && pluginsMounted) {
            for (String reference : installRefs) {
                ArtifactRef ref = ArtifactRef.parse(reference);
                if (!ref.rulesfile() || !rulesMounted) {
                    continue;
                }
                for (Map.Entry<String, String> required :
                        ref.requiredPluginVersions().orElse(Map.of()).entrySet()) {
                    if (!installedPluginNames.contains(required.getKey())) {
                        // falcoctl resolves a missing dependency to exactly the required version.
                        installedPluginNames.add(required.getKey());
                        builder.plugin(new Plugin(
                                required.getKey(),
                                PLUGINS_DIRECTORY + "/lib" + required.getKey() + ".so",
                                Origin.FALCOCTL_INSTALL,
                                required.getKey() + ":" + required.getValue() + " (dependency of " + reference + ")",
                                required.getValue()));
                    }
                }
            }
        }

        Values.mapAt(values, "customRules").forEach((file, content) -> builder.rulesFile(customRules(file, content)));
        for (Object mount : Values.listAt(values, "mounts.volumeMounts")) {
            String mountPath = Values.string(Values.map(mount).get("mountPath"));
            if (!mountPath.isEmpty()) {
                builder.mountedDirectory(mountPath);
            }
        }
        return builder.build();
    }

    private static void addRules(Builder builder, List<String> references, Origin origin, boolean rulesMounted) {
        if (!rulesMounted) {
            return;
        }
        for (String reference : references) {
            ArtifactRef ref = ArtifactRef.parse(reference);
            if (!ref.rulesfile()) {
                continue;
            }
            Optional<String> file = ref.installedFile();
            if (file.isEmpty()) {
                builder.unknownRulesArtifact(reference);
                continue;
            }
            Optional<Map<String, String>> required = ref.requiredPluginVersions();
            builder.rulesFile(new RulesFile(
                    RULES_DIRECTORY + "/" + file.get(),
                    origin,
                    reference,
                    required.orElse(Map.of()),
                    required.isPresent()));
        }
    }

    private static RulesFile customRules(String file, Object content) {
        String source = "customRules." + file;
        Map<String, String> required = new LinkedHashMap<>();
        boolean known = true;
        try {
            for (Object item : Values.list(SafeYaml.load(Values.string(content), source))) {
                for (Object plugin : Values.list(Values.map(item).get("required_plugin_versions"))) {
                    Map<String, Object> requirement = Values.map(plugin);
                    required.put(Values.string(requirement.get("name")), Values.string(requirement.get("version")));
                }
            }
        } catch (FalcoOfflineException e) {
            known = false;
        }
        return new RulesFile(RULES_DIRECTORY + "/rules.d/" + file, Origin.CHART, source, required, known);
    }

    private static String whyImage(boolean falcoctlRuns, String type) {
        return falcoctlRuns
                ? " (" + type + " is not in falcoctl.config.artifact.allowedTypes)"
                : " (falcoctl installs nothing: falcoctl.artifact.install.enabled=false)";
    }

    private static String imageDescription(Map<String, Object> values) {
        String registry = Values.stringAt(values, "image.registry");
        String repository = Values.stringAt(values, "image.repository");
        String tag = Values.stringAt(values, "image.tag");
        String reference = (registry.isEmpty() ? "" : registry + "/") + repository + ":"
                + (tag.isEmpty() ? "<chart appVersion>" : tag);
        return "the Falco image " + reference;
    }

    /** Every rules file known to be delivered, in the order found. */
    public List<RulesFile> rulesFiles() {
        return rulesFiles;
    }

    /** Every plugin library known to be delivered. */
    public List<Plugin> plugins() {
        return plugins;
    }

    /** Directories the user mounts into the Falco container; their content is the user's to provide. */
    public List<String> mountedDirectories() {
        return mountedDirectories;
    }

    /** Rules artifacts falco-offline does not know the content of. */
    public List<String> unknownRulesArtifacts() {
        return unknownRulesArtifacts;
    }

    /** When {@code /etc/falco} is the image's own directory: which image, for messages. */
    public Optional<String> imageRulesDirectory() {
        return Optional.ofNullable(imageRulesDirectory);
    }

    /** When {@code /usr/share/falco/plugins} is the image's own directory: which image, for messages. */
    public Optional<String> imagePluginsDirectory() {
        return Optional.ofNullable(imagePluginsDirectory);
    }

    /** Whether a rules file will exist when Falco starts, and why. */
    Location locateRulesFile(String path) {
        Optional<RulesFile> installed = rulesFiles.stream()
                .filter(file -> file.path().equals(path) && file.origin() != Origin.FALCOCTL_FOLLOW)
                .findFirst();
        if (installed.isPresent()) {
            return new Location(
                    Status.DELIVERED,
                    installed.get().origin().description() + " of "
                            + installed.get().source());
        }
        Optional<RulesFile> followed =
                rulesFiles.stream().filter(file -> file.path().equals(path)).findFirst();
        if (followed.isPresent()) {
            return new Location(
                    Status.ASSUMED,
                    "only falcoctl follow delivers it (" + followed.get().source()
                            + "), after Falco has started: Falco may fail to start until then; add it to"
                            + " falcoctl.config.artifact.install.refs");
        }
        return locateUnlisted(path, RULES_DIRECTORY, imageRulesDirectory, unknownRulesArtifacts);
    }

    /** Whether a plugin library will exist when Falco starts, and why. */
    Location locatePluginLibrary(String libraryPath) {
        String path = libraryPath.startsWith("/") ? libraryPath : PLUGINS_DIRECTORY + "/" + libraryPath;
        Optional<Plugin> installed = plugins.stream()
                .filter(plugin -> plugin.libraryPath().equals(path))
                .findFirst();
        if (installed.isPresent()) {
            return new Location(
                    Status.DELIVERED,
                    installed.get().origin().description() + " of "
                            + installed.get().source());
        }
        return locateUnlisted(path, PLUGINS_DIRECTORY, imagePluginsDirectory, List.of());
    }

    private Location locateUnlisted(
            String path, String hiddenDirectory, String imageDirectory, List<String> unknownArtifacts) {
        for (String mounted : mountedDirectories) {
            if (path.equals(mounted) || path.startsWith(mounted.endsWith("/") ? mounted : mounted + "/")) {
                return new Location(Status.ASSUMED, "mounted by mounts.volumeMounts at " + mounted);
            }
        }
        if (!path.startsWith(hiddenDirectory + "/")) {
            return new Location(
                    Status.ASSUMED, "falco-offline cannot look inside the image, so it assumes the image provides it");
        }
        if (imageDirectory != null) {
            return new Location(
                    Status.ASSUMED,
                    "provided by the image: falco-offline cannot look inside " + imageDirectory
                            + ", so it assumes the image has it");
        }
        if (!unknownArtifacts.isEmpty()) {
            return new Location(
                    Status.ASSUMED,
                    "falco-offline does not know the content of " + String.join(", ", unknownArtifacts)
                            + " and assumes one of them installs it");
        }
        return new Location(
                Status.MISSING,
                hiddenDirectory + " is an empty directory that falcoctl fills, and nothing it installs or the chart"
                        + " mounts provides this file");
    }

    /** The plugin of that name falcoctl installs before Falco starts, if any. */
    Optional<Plugin> installedPlugin(String name) {
        return plugins.stream()
                .filter(plugin -> plugin.name().equals(name) && plugin.origin() == Origin.FALCOCTL_INSTALL)
                .findFirst();
    }

    @Override
    public String toString() {
        return "DeliveredRules{rules " + rulesFiles + ", plugins " + plugins + ", image rules " + imageRulesDirectory
                + ", image plugins " + imagePluginsDirectory + "}";
    }

    /** Builds {@link DeliveredRules} from what the caller knows, e.g. the artifacts it actually mirrored. */
    public static final class Builder {
        private final List<RulesFile> rulesFiles = new ArrayList<>();
        private final List<Plugin> plugins = new ArrayList<>();
        private final List<String> mountedDirectories = new ArrayList<>();
        private final List<String> unknownRulesArtifacts = new ArrayList<>();
        private String imageRulesDirectory;
        private String imagePluginsDirectory;

        private Builder() {}

        public Builder rulesFile(RulesFile rulesFile) {
            rulesFiles.add(Objects.requireNonNull(rulesFile, "rulesFile"));
            return this;
        }

        public Builder plugin(Plugin plugin) {
            plugins.add(Objects.requireNonNull(plugin, "plugin"));
            return this;
        }

        /** A directory whose content the user provides through a mount. */
        public Builder mountedDirectory(String path) {
            mountedDirectories.add(Objects.requireNonNull(path, "path"));
            return this;
        }

        /** A rules artifact that is delivered but whose files are unknown. */
        public Builder unknownRulesArtifact(String reference) {
            unknownRulesArtifacts.add(Objects.requireNonNull(reference, "reference"));
            return this;
        }

        /**
         * Declares that {@code /etc/falco} is the image's own directory.
         *
         * @param imageDescription names the image in messages, e.g. {@code the Falco image reg/falco:tag}
         */
        public Builder imageRulesDirectory(String imageDescription) {
            this.imageRulesDirectory = imageDescription;
            return this;
        }

        /** Declares that {@code /usr/share/falco/plugins} is the image's own directory. */
        public Builder imagePluginsDirectory(String imageDescription) {
            this.imagePluginsDirectory = imageDescription;
            return this;
        }

        public DeliveredRules build() {
            return new DeliveredRules(this);
        }
    }
}
