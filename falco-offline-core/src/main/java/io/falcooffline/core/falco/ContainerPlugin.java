package io.falcooffline.core.falco;

import io.falcooffline.core.Delivery;
import io.falcooffline.core.yaml.HelmValues;
import io.falcooffline.core.yaml.ValuesPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Falco 0.44.0 image's {@code /etc/falco/config.d/falco.container_plugin.yaml} ({@code load_plugins:
 * [container]}, merged with the append strategy by {@code config_files}) makes Falco load the container plugin. The
 * chart hides that directory behind an empty directory only while the driver loader runs or falcoctl's rules
 * directory covers {@code /etc/falco}; otherwise Falco stops with "Cannot load plugin 'container': plugin config not
 * found" unless {@code falco.plugins} has a {@code container} entry.
 */
final class ContainerPlugin {

    /** The empty directory that hides the image's {@code config.d}. */
    static final String CONFIG_D_VOLUME = "falco-offline-config-d";

    static final String CONFIG_FILE = FalcoValues.CONFIG_D + "/falco.container_plugin.yaml";

    private ContainerPlugin() {}

    /** Whether the pod, with these values, would read the image's container-plugin file without a plugin entry. */
    static boolean trapped(FalcoValues values) {
        boolean configDRead = values.configFiles().stream()
                .map(path -> path.endsWith("/") ? path.substring(0, path.length() - 1) : path)
                .anyMatch(path -> path.equals(FalcoValues.CONFIG_D) || path.equals(CONFIG_FILE));
        return configDRead
                && HelmValues.get(values.raw(), "falco")
                        .filter(Map.class::isInstance)
                        .isPresent()
                && !values.driverLoaderEnabled()
                && !values.rulesDirectoryHidden()
                && !values.userMounts(FalcoValues.RULES_DIRECTORY)
                && !values.userMounts(FalcoValues.CONFIG_D)
                && values.plugin(FalcoValues.CONTAINER_PLUGIN).isEmpty();
    }

    /**
     * Adds the fix to the edits when the values, once edited, fall into the trap: for {@code registry} an empty
     * directory over {@code /etc/falco/config.d}, as the chart mounts while the driver loader runs; for
     * {@code baked} the image overrides the file (see {@link BakePlan#overrideContainerPluginConfig()}).
     *
     * @return the plan note, when there was something to fix
     */
    static Optional<String> fix(FalcoValues values, List<ValuesEdit> edits, Delivery delivery) {
        FalcoValues edited = FalcoValues.of(apply(values.raw(), edits));
        if (!trapped(edited)) {
            return Optional.empty();
        }
        if (delivery == Delivery.BAKED) {
            return Optional.of("The baked image overrides " + CONFIG_FILE + " with an empty file: falco.plugins has no"
                    + " container entry, so its load_plugins: [container] would stop Falco with \"Cannot load plugin"
                    + " 'container': plugin config not found\".");
        }
        List<Object> volumes = new ArrayList<>(edited.list("mounts.volumes"));
        volumes.add(ValuesEdit.mapping("name", CONFIG_D_VOLUME, "emptyDir", ValuesEdit.mapping()));
        List<Object> mounts = new ArrayList<>(edited.list("mounts.volumeMounts"));
        mounts.add(ValuesEdit.mapping("name", CONFIG_D_VOLUME, "mountPath", FalcoValues.CONFIG_D));
        edits.removeIf(edit -> edit.dottedPath().equals("mounts.volumes"));
        String reason = "hides the image's " + CONFIG_FILE + ", which would load the container plugin without a"
                + " falco.plugins entry";
        edits.add(ValuesEdit.at("mounts.volumes", volumes, reason));
        edits.add(ValuesEdit.at("mounts.volumeMounts", mounts, reason));
        return Optional.of("An empty directory now covers " + FalcoValues.CONFIG_D + " in the Falco container: with"
                + " the driver loader and falcoctl's rules directory off nothing hid the image's " + CONFIG_FILE
                + ", whose load_plugins: [container] stops Falco with \"Cannot load plugin 'container': plugin config"
                + " not found\" (falco.plugins has no container entry).");
    }

    static Map<String, Object> apply(Map<String, Object> values, List<ValuesEdit> edits) {
        Map<String, Object> edited = values;
        for (ValuesEdit edit : edits) {
            edited = HelmValues.with(edited, new ValuesPath(edit.path()), edit.value());
        }
        return edited;
    }
}
