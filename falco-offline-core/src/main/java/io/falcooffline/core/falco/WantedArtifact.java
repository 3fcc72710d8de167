package io.falcooffline.core.falco;

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
}
