package io.falcooffline.core.falco;

import io.falcooffline.core.yaml.HelmValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the Falco chart's templates make of the effective values: which falcoctl refs its helpers add, which plugins
 * Falco loads, and which directories of the Falco container are empty directories hiding the image's files.
 * Conditions are those of the falco 9.0.0 chart's {@code _helpers.tpl} and {@code pod-template.tpl}.
 */
final class FalcoPodValues {

    static final String RULES_DIRECTORY = "/etc/falco";
    static final String PLUGINS_DIRECTORY = "/usr/share/falco/plugins";
    static final String CONFIG_D = "/etc/falco/config.d";
    static final String CONTAINER_PLUGIN = "container";

    private final Map<String, Object> values;

    FalcoPodValues(Map<String, Object> effectiveRootValues) {
        this.values = effectiveRootValues;
    }

    Map<String, Object> rawValues() {
        return values;
    }

    boolean installEnabled() {
        return isTrue("falcoctl.artifact.install.enabled");
    }

    boolean followEnabled() {
        return isTrue("falcoctl.artifact.follow.enabled");
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

    List<String> allowedTypes() {
        List<String> types = strings("falcoctl.config.artifact.allowedTypes");
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
    List<String> installRefs() {
        List<String> refs = strings("falcoctl.config.artifact.install.refs");
        if (containerPluginAdded()) {
            addUnique(refs, string("collectors.containerEngine.pluginRef"));
        }
        if (k8smetaAdded()) {
            addUnique(refs, string("collectors.kubernetes.pluginRef"));
        }
        return refs;
    }

    List<String> valuesInstallRefs() {
        return strings("falcoctl.config.artifact.install.refs");
    }

    List<String> followRefs() {
        return strings("falcoctl.config.artifact.follow.refs");
    }

    /** {@code falco.plugins} as the helpers leave it, by name. */
    List<Map<String, Object>> plugins() {
        List<Map<String, Object>> plugins = new ArrayList<>();
        for (Object item : list("falco.plugins")) {
            if (item instanceof Map<?, ?> map) {
                plugins.add(cast(map));
            }
        }
        return plugins;
    }

    boolean hasPluginEntry(String name) {
        return plugins().stream().anyMatch(plugin -> name.equals(String.valueOf(plugin.get("name"))));
    }

    /** {@code falco.load_plugins}, with {@code container} when the helper adds it. */
    List<String> loadPlugins() {
        List<String> names = strings("falco.load_plugins");
        if (containerPluginAdded() && !hasPluginEntry(CONTAINER_PLUGIN)) {
            addUnique(names, CONTAINER_PLUGIN);
        }
        return names;
    }

    List<String> rulesFiles() {
        return strings("falco.rules_files");
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
        Optional<Object> configured = HelmValues.get(values, "falco.config_files");
        return configured.isPresent() ? strings("falco.config_files") : new ArrayList<>(List.of(CONFIG_D));
    }

    String string(String path) {
        return HelmValues.get(values, path).map(String::valueOf).orElse("").strip();
    }

    boolean isTrue(String path) {
        return HelmValues.get(values, path)
                .map(value -> Boolean.TRUE.equals(value) || "true".equals(value))
                .orElse(false);
    }

    List<?> list(String path) {
        return HelmValues.get(values, path)
                .filter(List.class::isInstance)
                .map(List.class::cast)
                .orElse(List.of());
    }

    List<String> strings(String path) {
        List<String> strings = new ArrayList<>();
        for (Object item : list(path)) {
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

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
