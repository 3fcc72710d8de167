package io.falcooffline.core.falco;

import io.falcooffline.core.Delivery;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An artifact the values ask for, before resolution.
 *
 * @param reference as written: a falcoctl short name ({@code falco-rules:5}), a full reference, or a bare name for
 *     plugins and rules that are loaded but that no reference installs
 * @param role why it is wanted
 * @param origin where it was found, e.g. {@code falcoctl.config.artifact.install.refs[0]}
 */
public record WantedArtifact(String reference, Role role, String origin) {

    /** Why an artifact is wanted. */
    public enum Role {
        /** In falcoctl's install refs (including the refs the chart's helpers add). */
        INSTALL,
        /** In falcoctl's follow refs. */
        FOLLOW,
        /** A plugin {@code load_plugins} names that no reference provides: resolved by name. */
        LOADED_PLUGIN,
        /** A rules file {@code rules_files} names that no reference provides: resolved by the files artifacts hold. */
        RULES_FILE,
        /** Added by the {@code artifacts} parameter. */
        ADDED
    }

    public WantedArtifact {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(origin, "origin");
    }

    /** What the values ask for, with the chart helpers' additions, as the delivery will install it. */
    static List<WantedArtifact> of(FalcoValues values, Delivery delivery) {
        List<WantedArtifact> wanted = new ArrayList<>();
        boolean baked = delivery == Delivery.BAKED;
        if (values.installEnabled()) {
            List<String> fromValues = values.falcoctl().installRefs();
            for (int i = 0; i < fromValues.size(); i++) {
                wanted.add(new WantedArtifact(
                        fromValues.get(i), Role.INSTALL, "falcoctl.config.artifact.install.refs[" + i + "]"));
            }
            if (values.containerPluginAdded()) {
                wanted.add(new WantedArtifact(
                        values.string("collectors.containerEngine.pluginRef"),
                        Role.INSTALL,
                        "collectors.containerEngine.pluginRef (added by the chart's falco.containerPlugin helper)"));
            }
            if (values.k8smetaAdded()) {
                wanted.add(new WantedArtifact(
                        values.string("collectors.kubernetes.pluginRef"),
                        Role.INSTALL,
                        "collectors.kubernetes.pluginRef (added by the chart's k8smeta.configuration helper)"));
            }
        }
        if (values.followEnabled() && !baked) {
            List<String> follow = values.falcoctl().followRefs();
            for (int i = 0; i < follow.size(); i++) {
                wanted.add(new WantedArtifact(
                        follow.get(i), Role.FOLLOW, "falcoctl.config.artifact.follow.refs[" + i + "]"));
            }
        }
        boolean pluginsFromArtifacts = baked || (delivery == Delivery.REGISTRY && values.pluginsDirectoryHidden());
        if (pluginsFromArtifacts) {
            for (String plugin : values.loadPluginsWithHelpers()) {
                wanted.add(new WantedArtifact(plugin, Role.LOADED_PLUGIN, "falco.load_plugins " + plugin));
            }
        }
        boolean rulesFromArtifacts = baked || (delivery == Delivery.REGISTRY && values.rulesDirectoryHidden());
        if (rulesFromArtifacts) {
            for (String path : values.rulesFiles()) {
                if (isRulesFileUnderEtcFalco(path)) {
                    wanted.add(new WantedArtifact(path, Role.RULES_FILE, "falco.rules_files " + path));
                }
            }
        }
        return wanted;
    }

    /** A direct {@code *.yaml} child of {@code /etc/falco}, where falcoctl and the bake put rules files. */
    static boolean isRulesFileUnderEtcFalco(String path) {
        String prefix = FalcoValues.RULES_DIRECTORY + "/";
        if (!path.startsWith(prefix)) {
            return false;
        }
        String file = path.substring(prefix.length());
        return !file.contains("/")
                && (file.endsWith(".yaml") || file.endsWith(".yml"))
                && !file.endsWith(".local.yaml");
    }
}
