package io.falcooffline.core.falco;

import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.ReferenceKind;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A falcoctl artifact as resolved at build time.
 *
 * @param name its config name, e.g. {@code k8saudit-rules}
 * @param kind plugin or rules file
 * @param repository where it is published, without tag ({@code ghcr.io/falcosecurity/plugins/ruleset/k8saudit})
 * @param tags the tags to mirror: the one asked for first, then the exact version when the first floats
 * @param digest the digest of what the tags point at
 * @param version the exact version from its config
 * @param platforms the platforms of a plugin's index, e.g. {@code linux/arm64}; empty for rules files
 * @param files the files its layer holds (for plugins, the layer of the first platform)
 * @param config its falcoctl config
 * @param roles why it is in the set
 * @param origins where the values or parameters ask for it, e.g. {@code falcoctl.config.artifact.install.refs[0]}
 * @param pinned whether the {@code artifacts} parameter fixed its version
 * @param skipped the newer versions passed over and why, e.g.
 *     {@code k8saudit-rules 0.18.0 skipped: needs k8saudit >= 0.18.0, source has up to 0.16.1}
 */
public record ResolvedArtifact(
        String name,
        ReferenceKind kind,
        OciReference repository,
        List<String> tags,
        String digest,
        String version,
        List<String> platforms,
        List<String> files,
        FalcoctlDependencies.Config config,
        Set<WantedArtifact.Role> roles,
        List<String> origins,
        boolean pinned,
        List<String> skipped) {

    public ResolvedArtifact {
        tags = List.copyOf(tags);
        platforms = List.copyOf(platforms);
        files = List.copyOf(files);
        roles = Set.copyOf(roles);
        origins = List.copyOf(origins);
        skipped = List.copyOf(skipped);
    }

    /** The reference at the first tag, e.g. {@code ghcr.io/falcosecurity/rules/falco-rules:5}. */
    public OciReference reference() {
        return repository.withTag(tags.get(0));
    }

    /** The reference at the exact version, e.g. {@code ghcr.io/falcosecurity/rules/falco-rules:5.1.0}. */
    public OciReference exactReference() {
        return repository.withTag(tags.contains(version) ? version : tags.get(tags.size() - 1));
    }

    /** What it requires of Falco: {@code plugin_api_version}, {@code engine_version_semver}. */
    public Map<String, String> requirements() {
        return config.requirements();
    }

    /** {@code name version}, for messages. */
    public String describe() {
        return name + " " + version;
    }
}
