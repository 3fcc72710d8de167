package io.falcooffline.core.values;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Falco chart's values where the core reasons about them, read once from the root chart's effective values:
 * Falco's plugins, {@code load_plugins} and {@code rules_files}, the extra {@code services}, and falcoctl's install
 * and follow settings. Entries keep their index so that messages can name {@code falco.plugins[1]}.
 */
public final class FalcoValues {

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
        List<?> pluginEntries = listAt("falco.plugins");
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
        this.rulesFiles = strings(listAt("falco.rules_files"));
        List<Service> readServices = new ArrayList<>();
        List<?> serviceEntries = listAt("services");
        for (int i = 0; i < serviceEntries.size(); i++) {
            Map<String, Object> service = Values.map(serviceEntries.get(i));
            List<Map<String, Object>> ports = new ArrayList<>();
            Values.list(service.get("ports")).forEach(port -> ports.add(Values.map(port)));
            readServices.add(new Service(
                    i, Values.string(service.get("name")), Values.string(service.get("type")), List.copyOf(ports)));
        }
        this.services = List.copyOf(readServices);
        this.falcoctl = new Falcoctl(
                Values.isTrue(at("falcoctl.artifact.install.enabled").orElse(null)),
                Values.isTrue(at("falcoctl.artifact.follow.enabled").orElse(null)),
                nonBlank(listAt("falcoctl.config.artifact.allowedTypes")),
                nonBlank(listAt("falcoctl.config.artifact.install.refs")),
                nonBlank(listAt("falcoctl.config.artifact.follow.refs")),
                at("falcoctl.config.artifact.install.resolveDeps")
                        .map(Values::isTrue)
                        .orElse(true));
    }

    /** Reads the view of a root chart's effective values. */
    public static FalcoValues of(Map<String, Object> effectiveRootValues) {
        return new FalcoValues(effectiveRootValues);
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

    private Optional<Object> at(String dottedPath) {
        return Values.at(raw, dottedPath);
    }

    private List<?> listAt(String dottedPath) {
        return Values.listAt(raw, dottedPath);
    }

    private static List<String> strings(List<?> values) {
        return values.stream().map(Values::string).map(String::strip).toList();
    }

    private static List<String> nonBlank(List<?> values) {
        return strings(values).stream().filter(value -> !value.isEmpty()).toList();
    }
}
