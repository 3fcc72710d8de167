package io.falcooffline.core.falco;

import io.falcooffline.core.version.SemanticVersion;
import java.util.List;
import java.util.Optional;

/**
 * What each Falco release accepts of plugins and rules: the plugin API version of the libs it bundles and its rules
 * engine version, which Falco reports as {@code plugin_api_version} and {@code engine_version_semver}
 * ({@code userspace/falco/versions_info.cpp}). Taken from Falco's sources at each release tag:
 * {@code userspace/engine/falco_engine_version.h} for the engine, and {@code userspace/plugin/plugin_api.h} of the
 * libs version {@code cmake/modules/falcosecurity-libs.cmake} pins. Covers Falco 0.37.0 to 0.44.1, every appVersion
 * of the Falco charts 4.x to 9.x.
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
         * loader compares them ({@code userspace/plugin/plugin_loader.c} {@code plugin_check_required_api_version}),
         * a required minor (then patch) no newer than Falco's.
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

        /**
         * Whether Falco's engine runs rules that require this engine version: same major, at least as new (falcoctl
         * 0.13.0 {@code internal/follower/follower.go} {@code checkRequirements}).
         */
        public boolean runsRulesRequiring(SemanticVersion required) {
            return engine.satisfies(required);
        }
    }

    /*
     * Every Falco release the Falco charts 4.0.0 to 9.1.0 ship as appVersion (falcosecurity/charts,
     * charts/falco/Chart.yaml at each falco-X.Y.Z tag). For each Falco tag (commit): the engine version from
     * userspace/engine/falco_engine_version.h (FALCO_ENGINE_VERSION_MAJOR/MINOR/PATCH), and the plugin API from
     * userspace/plugin/plugin_api.h (PLUGIN_API_VERSION_MAJOR/MINOR/PATCH) of the libs release that
     * cmake/modules/falcosecurity-libs.cmake pins (FALCOSECURITY_LIBS_VERSION); falcosecurity/libs tag in brackets.
     */
    private static final List<FalcoVersion> RELEASES = List.of(
            release("0.37.0", "3.2.0", "0.31.0"), // ba229e5b, libs 0.14.2 (ff39fd3d)
            release("0.37.1", "3.2.0", "0.31.0"), // 19ce244b, libs 0.14.3 (c66f72ce)
            release("0.38.0", "3.5.0", "0.40.0"), // fc921d1b, libs 0.17.1 (9b23a346)
            release("0.38.1", "3.6.0", "0.40.0"), // 2820cd1d, libs 0.17.2 (fbf3b363)
            release("0.38.2", "3.6.0", "0.40.0"), // 35ee18c4, libs 0.17.3 (267ab11e)
            release("0.39.0", "3.7.0", "0.43.0"), // 88d73505, libs 0.18.1 (e1999d07)
            release("0.39.1", "3.7.0", "0.43.0"), // 2804d60b, libs 0.18.1 (e1999d07)
            release("0.39.2", "3.7.0", "0.43.0"), // 89a024bf, libs 0.18.2 (a414ad33)
            release("0.40.0", "3.10.0", "0.46.0"), // ce4b4408, libs 0.20.0 (22be2498)
            release("0.41.0", "3.11.0", "0.50.0"), // b94cda0b, libs 0.21.0 (1dcb369c)
            release("0.41.1", "3.11.0", "0.50.0"), // 9652de9f, libs 0.21.0
            release("0.41.2", "3.11.0", "0.50.0"), // dd9fb0db, libs 0.21.0
            release("0.41.3", "3.11.0", "0.50.0"), // d26e0f77, libs 0.21.0
            release("0.42.0", "3.12.0", "0.57.0"), // d8e430e3, libs 0.22.1 (1a8b912f)
            release("0.42.1", "3.12.0", "0.57.0"), // 4ea91437, libs 0.22.2 (16c02673)
            release("0.43.0", "3.12.0", "0.58.0"), // cc4cf3d1, libs 0.23.1 (44746c32)
            release("0.43.1", "3.12.0", "0.58.0"), // ce1de559, libs 0.23.2 (475b142d)
            release("0.44.0", "3.12.0", "0.62.0"), // a078853f, libs 0.25.2 (b5241623)
            release("0.44.1", "3.12.0", "0.62.0")); // f1ac5eb1, libs 0.25.4 (80e695f6)

    private FalcoVersions() {}

    /**
     * The release with this version (the chart's {@code appVersion}). A patch release or pre-release the table does
     * not list takes the numbers of the nearest listed release of its minor below it (the oldest of the minor when
     * none is below): within a minor the plugin API and the engine only grow. Empty for an unknown minor.
     */
    public static Optional<FalcoVersion> of(String falcoVersion) {
        Optional<SemanticVersion> wanted = SemanticVersion.parse(falcoVersion == null ? "" : falcoVersion);
        if (wanted.isEmpty()) {
            return Optional.empty();
        }
        SemanticVersion version = wanted.get();
        List<FalcoVersion> sameMinor = RELEASES.stream()
                .filter(release -> {
                    SemanticVersion known = version(release.falco());
                    return known.major() == version.major() && known.minor() == version.minor();
                })
                .toList();
        if (sameMinor.isEmpty()) {
            return Optional.empty();
        }
        FalcoVersion nearest = sameMinor.get(0);
        for (FalcoVersion release : sameMinor) {
            if (version(release.falco()).compareTo(version) <= 0) {
                nearest = release;
            }
        }
        String name = version.toString();
        return Optional.of(
                nearest.falco().equals(name) ? nearest : new FalcoVersion(name, nearest.pluginApi(), nearest.engine()));
    }

    /** Every release the table lists, oldest first. */
    public static List<FalcoVersion> known() {
        return RELEASES;
    }

    private static FalcoVersion release(String falco, String pluginApi, String engine) {
        return new FalcoVersion(falco, version(pluginApi), version(engine));
    }

    private static SemanticVersion version(String text) {
        return SemanticVersion.parse(text).orElseThrow();
    }
}
