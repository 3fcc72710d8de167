package io.falcooffline.core.falco;

import io.falcooffline.core.mirror.SemanticVersion;
import java.util.Map;
import java.util.Optional;

/**
 * What each Falco release accepts of plugins and rules: the plugin API version of the libs it bundles and its rules
 * engine version. Taken from Falco's sources: {@code userspace/engine/falco_engine_version.h} for the engine, and
 * {@code userspace/plugin/plugin_api.h} of the libs version {@code cmake/modules/falcosecurity-libs.cmake} pins.
 */
public final class FalcoVersions {

    /**
     * One Falco release.
     *
     * @param falco its version, e.g. {@code 0.44.0}
     * @param pluginApi the plugin API version it implements
     * @param engine its rules engine version ({@code engine_version_semver})
     */
    public record FalcoVersion(String falco, SemanticVersion pluginApi, SemanticVersion engine) {

        /**
         * Whether Falco loads a plugin that requires this API version: same major and, the way the libs' plugin
         * loader compares them, a required minor (then patch) no newer than Falco's.
         */
        public boolean loadsPluginRequiring(SemanticVersion required) {
            if (required.major() != pluginApi.major()) {
                return false;
            }
            if (required.minor() != pluginApi.minor()) {
                return required.minor() < pluginApi.minor();
            }
            return required.patch() <= pluginApi.patch();
        }

        /** Whether Falco's engine runs rules that require this engine version: same major, at least as new. */
        public boolean runsRulesRequiring(SemanticVersion required) {
            return engine.satisfies(required);
        }
    }

    // Falco 0.44.0 (a078853f): engine 0.62.0; libs 0.25.2, plugin API 3.12.0.
    private static final Map<String, FalcoVersion> KNOWN =
            Map.of("0.44.0", new FalcoVersion("0.44.0", version("3.12.0"), version("0.62.0")));

    private FalcoVersions() {}

    /** The release with this version (the chart's {@code appVersion}); empty when this table does not know it. */
    public static Optional<FalcoVersion> of(String falcoVersion) {
        return Optional.ofNullable(KNOWN.get(falcoVersion == null ? "" : falcoVersion.strip()));
    }

    private static SemanticVersion version(String text) {
        return SemanticVersion.parse(text).orElseThrow();
    }
}
