package io.falcooffline.core.audit;

import io.falcooffline.core.audit.VersionRange.Version;
import io.falcooffline.core.plan.OciReference;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A falcoctl artifact reference ({@code k8saudit-rules:0.16}, {@code ghcr.io/falcosecurity/plugins/plugin/json:0.7.0})
 * with what falco-offline knows about the official artifacts it names: which file it installs and, for rules, which
 * plugin versions they require.
 *
 * @param reference the reference as written
 * @param name the artifact's name as falcoctl's index and config know it, e.g. {@code k8saudit-rules}
 * @param rulesfile whether the artifact is a rules file rather than a plugin
 * @param tag the tag, empty for none ({@code latest}) or a digest
 */
record ArtifactRef(String reference, String name, boolean rulesfile, String tag) {

    private static final Version K8SAUDIT_RULES_018 = new Version(0, 18, 0);
    private static final Version K8SAUDIT_RULES_FIRST = new Version(0, 1, 0);
    private static final Version K8SAUDIT_RULES_UNKNOWN_FROM = new Version(0, 19, 0);

    /**
     * Reads a reference the way falcoctl resolves it: a string with {@code /} is a full OCI reference, otherwise it
     * is an index entry name with an optional tag.
     */
    static ArtifactRef parse(String reference) {
        String text = reference.strip();
        if (text.contains("/") && OciReference.isValid(text)) {
            OciReference full = OciReference.parse(text);
            String tag = full.digest() == null && full.tag() != null ? full.tag() : "";
            String[] segments = full.repository().split("/");
            String last = segments[segments.length - 1];
            String parent = segments.length >= 2 ? segments[segments.length - 2] : "";
            if (parent.equals("ruleset")) {
                return new ArtifactRef(text, last + "-rules", true, tag);
            }
            return new ArtifactRef(text, last, parent.equals("rules") || last.endsWith("-rules"), tag);
        }
        String name = text;
        String tag = "";
        int at = text.indexOf('@');
        int colon = text.lastIndexOf(':');
        if (at >= 0) {
            name = text.substring(0, at);
        } else if (colon >= 0) {
            name = text.substring(0, colon);
            tag = text.substring(colon + 1);
        }
        return new ArtifactRef(text, name, name.endsWith("-rules"), tag);
    }

    /** The versions the tag stands for; empty when it floats beyond a minor version. */
    Optional<VersionRange> versions() {
        return VersionRange.ofTag(tag);
    }

    /** The file the artifact installs, for the official artifacts whose content falco-offline knows. */
    Optional<String> installedFile() {
        if (rulesfile) {
            return switch (name) {
                case "k8saudit-rules" -> Optional.of("k8s_audit_rules.yaml");
                case "falco-rules" -> Optional.of("falco_rules.yaml");
                case "falco-incubating-rules" -> Optional.of("falco-incubating_rules.yaml");
                case "falco-sandbox-rules" -> Optional.of("falco-sandbox_rules.yaml");
                default -> Optional.empty();
            };
        }
        // The plugins repository builds every plugin as lib<name>.so at the archive root.
        return Optional.of("lib" + name + ".so");
    }

    /**
     * The plugin versions the rules declare in {@code required_plugin_versions}, by plugin name; empty when
     * falco-offline does not know them for this artifact and tag. The falco-rules files declare none.
     */
    Optional<Map<String, String>> requiredPluginVersions() {
        if (!rulesfile) {
            return Optional.of(Map.of());
        }
        if (name.startsWith("falco-") && name.endsWith("-rules")) {
            return Optional.of(Map.of());
        }
        if (!name.equals("k8saudit-rules")) {
            return Optional.empty();
        }
        Optional<VersionRange> range = versions();
        if (range.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> required = new LinkedHashMap<>();
        if (range.get().within(K8SAUDIT_RULES_FIRST, K8SAUDIT_RULES_018)) {
            required.put(K8sAuditProfile.PLUGIN_NAME, "0.7.0");
        } else if (range.get().within(K8SAUDIT_RULES_018, K8SAUDIT_RULES_UNKNOWN_FROM)) {
            required.put(K8sAuditProfile.PLUGIN_NAME, "0.18.0");
        } else {
            return Optional.empty();
        }
        required.put(K8sAuditProfile.JSON_PLUGIN_NAME, "0.7.0");
        return Optional.of(required);
    }

    @Override
    public String toString() {
        return reference;
    }
}
