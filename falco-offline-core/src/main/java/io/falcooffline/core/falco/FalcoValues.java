package io.falcooffline.core.falco;

import io.falcooffline.core.values.Values;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one reader of the Falco chart's values: the root chart's effective values as the Falco chart's templates read
 * them. Public for the audit: Falco's plugins, {@code load_plugins} and {@code rules_files}, the extra
 * {@code services}, and falcoctl's install and follow settings, each entry keeping its index so that messages can name
 * {@code falco.plugins[1]}. For the falco stage: which falcoctl refs the chart's helpers add, which plugins Falco
 * loads, and which directories of the Falco container are empty directories hiding the image's files. Conditions are
 * those of the falco 9.0.0 chart's {@code _helpers.tpl} and {@code pod-template.tpl}.
 */
public final class FalcoValues {

    static final String RULES_DIRECTORY = "/etc/falco";
    static final String PLUGINS_DIRECTORY = "/usr/share/falco/plugins";
    static final String CONFIG_D = "/etc/falco/config.d";
    static final String CONTAINER_PLUGIN = "container";

    /** One entry of {@code falco.plugins}. */
    public record Plugin(int index, String name, String libraryPath, Object openParams, Object initConfig) {

        /** {@code falco.plugins[i]}, for messages. */
        public String location() {
            return "falco.plugins[" + index + "]";
        }
    }

    /** One entry of {@code services}, with its ports as written. */
    public record Service(int index, String name, String type, List<Map<String, Object>> ports) {}

    /** falcoctl's settings: {@code falcoctl.artifact.*.enabled} and {@code falcoctl.config.artifact}. */
    public record Falcoctl(
            boolean install,
            boolean follow,
            List<String> allowedTypes,
            List<String> installRefs,
            List<String> followRefs,
            boolean resolveDeps) {

        public Falcoctl {
            allowedTypes = List.copyOf(allowedTypes);
            installRefs = List.copyOf(installRefs);
            followRefs = List.copyOf(followRefs);
        }
    }

    private final Map<String, Object> raw;
    private final List<Plugin> plugins;
    private final Optional<List<String>> loadPlugins;
    private final List<String> rulesFiles;
    private final List<Service> services;
    private final Falcoctl falcoctl;

    private FalcoValues(Map<String, Object> raw) {
        this.raw = raw;
        List<Plugin> readPlugins = new ArrayList<>();
        List<?> pluginEntries = list("falco.plugins");
        for (int i = 0; i < pluginEntries.size(); i++) {
            Map<String, Object> plugin = Values.map(pluginEntries.get(i));
            readPlugins.add(new Plugin(
                    i,
                    Values.string(plugin.get("name")),
                    Values.string(plugin.get("library_path")),
                    plugin.get("open_params"),
                    plugin.get("init_config")));
        }
        this.plugins = List.copyOf(readPlugins);
        this.loadPlugins = at("falco.load_plugins")
                .map(value -> Values.list(value).stream().map(Values::string).toList());
        this.rulesFiles = list("falco.rules_files").stream()
                .map(Values::string)
                .map(String::strip)
                .toList();
        List<Service> readServices = new ArrayList<>();
        List<?> serviceEntries = list("services");
        for (int i = 0; i < serviceEntries.size(); i++) {
            Map<String, Object> service = Values.map(serviceEntries.get(i));
            List<Map<String, Object>> ports = new ArrayList<>();
            Values.list(service.get("ports")).forEach(port -> ports.add(Values.map(port)));
            readServices.add(new Service(
                    i, Values.string(service.get("name")), Values.string(service.get("type")), List.copyOf(ports)));
        }
        this.services = List.copyOf(readServices);
        this.falcoctl = new Falcoctl(
                isTrue("falcoctl.artifact.install.enabled"),
                isTrue("falcoctl.artifact.follow.enabled"),
                strings("falcoctl.config.artifact.allowedTypes"),
                strings("falcoctl.config.artifact.install.refs"),
                strings("falcoctl.config.artifact.follow.refs"),
                at("falcoctl.config.artifact.install.resolveDeps")
                        .map(Values::isTrue)
                        .orElse(true));
    }

    /** Reads the view of a root chart's effective values. */
    public static FalcoValues of(Map<String, Object> effectiveRootValues) {
        return new FalcoValues(effectiveRootValues);
    }

    /**
     * Whether the values are the Falco chart's, or a chart derived from it: they configure {@code falco} or
     * {@code falcoctl} at their top. Nothing else of this class means anything for other charts.
     */
    public static boolean describeFalco(Map<String, Object> effectiveRootValues) {
        return effectiveRootValues.get("falco") instanceof Map || effectiveRootValues.get("falcoctl") instanceof Map;
    }

    /** The values the view was read from, for the keys it does not model. */
    public Map<String, Object> raw() {
        return raw;
    }

    /** {@code falco.plugins}, in order. */
    public List<Plugin> plugins() {
        return plugins;
    }

    /** The {@code falco.plugins} entry named {@code name}. */
    public Optional<Plugin> plugin(String name) {
        return plugins.stream().filter(plugin -> plugin.name().equals(name)).findFirst();
    }

    /** {@code falco.load_plugins} as set; empty when the key is absent, which makes Falco load every plugin. */
    public Optional<List<String>> loadPlugins() {
        return loadPlugins;
    }

    /** The names of the plugins Falco loads: {@code load_plugins}, or every configured plugin without it. */
    public List<String> loadedPluginNames() {
        return loadPlugins.orElseGet(() -> plugins.stream().map(Plugin::name).toList());
    }

    /** {@code falco.rules_files}, trimmed. */
    public List<String> rulesFiles() {
        return rulesFiles;
    }

    /** {@code services}, in order. */
    public List<Service> services() {
        return services;
    }

    public Falcoctl falcoctl() {
        return falcoctl;
    }

    // What the chart's templates make of the values, for the falco stage.

    boolean installEnabled() {
        return falcoctl.install();
    }

    boolean followEnabled() {
        return falcoctl.follow();
    }

    boolean driverEnabled() {
        return isTrue("driver.enabled");
    }

    /** {@code falco.containerPlugin}: driver, collectors and containerEngine on. */
    boolean containerPluginAdded() {
        return driverEnabled() && isTrue("collectors.enabled") && isTrue("collectors.containerEngine.enabled");
    }

    /** {@code k8smeta.configuration}: the kubernetes collector and the driver on. */
    boolean k8smetaAdded() {
        return driverEnabled() && isTrue("collectors.kubernetes.enabled");
    }

    /**
     * {@code driverLoader.enabled}: the loader runs, and the chart mounts an empty {@code /etc/falco/config.d}. Charts
     * 4.x to 8.x also leave it out for {@code gvisor}, which 9.x no longer offers.
     */
    boolean driverLoaderEnabled() {
        String kind = string("driver.kind");
        return driverEnabled()
                && isTrue("driver.loader.enabled")
                && !kind.equals("modern_ebpf")
                && !kind.equals("modern-bpf")
                && !kind.equals("gvisor");
    }

    /** {@code falcoctl.config.artifact.allowedTypes} with {@code plugin} when a helper adds a plugin ref. */
    List<String> allowedTypes() {
        List<String> types = new ArrayList<>(falcoctl.allowedTypes());
        if ((containerPluginAdded() || k8smetaAdded()) && !types.contains("plugin")) {
            types.add("plugin");
        }
        return types;
    }

    /** Whether the chart mounts falcoctl's empty rules directory over {@code /etc/falco}. */
    boolean rulesDirectoryHidden() {
        return (installEnabled() || followEnabled()) && allowedTypes().contains("rulesfile");
    }

    /** Whether the chart mounts falcoctl's empty plugins directory over {@code /usr/share/falco/plugins}. */
    boolean pluginsDirectoryHidden() {
        return (installEnabled() || followEnabled()) && allowedTypes().contains("plugin");
    }

    /** The install refs as falcoctl gets them: the values' refs, then those the helpers append. */
    List<String> installRefsWithHelpers() {
        List<String> refs = new ArrayList<>(falcoctl.installRefs());
        if (containerPluginAdded()) {
            addUnique(refs, string("collectors.containerEngine.pluginRef"));
        }
        if (k8smetaAdded()) {
            addUnique(refs, string("collectors.kubernetes.pluginRef"));
        }
        return refs;
    }

    /** The entries of {@code falco.plugins} that are mappings, as written, for edits that keep their other keys. */
    List<Map<String, Object>> pluginEntries() {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Object item : list("falco.plugins")) {
            if (item instanceof Map<?, ?>) {
                entries.add(Values.map(item));
            }
        }
        return entries;
    }

    /** {@code falco.load_plugins}, with {@code container} when the helper adds it. */
    List<String> loadPluginsWithHelpers() {
        List<String> names = strings("falco.load_plugins");
        if (containerPluginAdded() && plugin(CONTAINER_PLUGIN).isEmpty()) {
            addUnique(names, CONTAINER_PLUGIN);
        }
        return names;
    }

    /** Whether the user mounts something at this path of the Falco container. */
    boolean userMounts(String path) {
        for (Object mount : list("mounts.volumeMounts")) {
            if (mount instanceof Map<?, ?> map && path.equals(String.valueOf(map.get("mountPath")))) {
                return true;
            }
        }
        return false;
    }

    /** The values' {@code falco.config_files}, defaulting to the chart's {@code [/etc/falco/config.d]}. */
    List<String> configFiles() {
        return at("falco.config_files").isPresent()
                ? strings("falco.config_files")
                : new ArrayList<>(List.of(CONFIG_D));
    }

    /** Rules files the chart writes itself ({@code customRules} lands in {@code /etc/falco/rules.d}). */
    Set<String> providedRulesFiles() {
        Set<String> provided = new LinkedHashSet<>();
        Values.mapAt(raw, "customRules").keySet().forEach(file -> provided.add(RULES_DIRECTORY + "/rules.d/" + file));
        return provided;
    }

    // Navigation, read as the chart's templates read it.

    private Optional<Object> at(String dottedPath) {
        return Values.at(raw, dottedPath);
    }

    String string(String dottedPath) {
        return at(dottedPath).map(String::valueOf).orElse("").strip();
    }

    boolean isTrue(String dottedPath) {
        return Values.isTrueAt(raw, dottedPath);
    }

    List<?> list(String dottedPath) {
        return Values.listAt(raw, dottedPath);
    }

    /** The non-blank entries of the list at the path, trimmed, in a list the caller may change. */
    List<String> strings(String dottedPath) {
        List<String> strings = new ArrayList<>();
        for (Object item : list(dottedPath)) {
            if (item != null && !String.valueOf(item).isBlank()) {
                strings.add(String.valueOf(item).strip());
            }
        }
        return strings;
    }

    private static void addUnique(List<String> list, String item) {
        if (!item.isEmpty() && !list.contains(item)) {
            list.add(item);
        }
    }
}
