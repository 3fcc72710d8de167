package io.falcooffline.core.falco;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.io.Json;
import io.falcooffline.core.version.SemanticVersion;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * What {@code falcoctl artifact install} with {@code resolveDeps} adds on its own: for each dependency in an
 * artifact's config that no installed artifact satisfies, it pulls {@code <name>:<exact version>} through the index.
 * Those exact tags must be mirrored too.
 */
public final class FalcoctlDependencies {

    /**
     * The parts of a falcoctl artifact config that decide dependencies.
     *
     * @param name the artifact name falcoctl matches dependencies on (not the repository name)
     * @param version its version
     * @param dependencies what it requires
     * @param requirements what it needs of Falco, e.g. {@code plugin_api_version} to {@code 3.11.0}
     */
    public record Config(
            String name, String version, List<Requirement> dependencies, Map<String, String> requirements) {}

    /**
     * One dependency.
     *
     * @param name the artifact name
     * @param version the exact version pulled when nothing satisfies it
     * @param alternatives artifacts accepted instead
     */
    public record Requirement(String name, String version, List<Requirement> alternatives) {}

    /**
     * A dependency nothing satisfies.
     *
     * @param requirement what is required
     * @param requiredBy the artifact requiring it, {@code name version}
     */
    public record Unmet(Requirement requirement, String requiredBy) {

        /** How falcoctl names the tag it pulls: {@code json:0.7.0}. */
        public String falcoctlReference() {
            return requirement.name() + ":" + requirement.version();
        }
    }

    private FalcoctlDependencies() {}

    /**
     * Reads a falcoctl config blob.
     *
     * @throws FalcoOfflineException naming the artifact when the blob is not such a config
     */
    public static Config parse(byte[] json, String what) {
        try {
            JsonNode root = Json.MAPPER.readTree(json);
            String name = root.path("name").asString("");
            if (name.isEmpty()) {
                throw new FalcoOfflineException(what + " has a falcoctl config without a name.");
            }
            List<Requirement> dependencies = new ArrayList<>();
            for (JsonNode dependency : root.path("dependencies")) {
                List<Requirement> alternatives = new ArrayList<>();
                for (JsonNode alternative : dependency.path("alternatives")) {
                    alternatives.add(new Requirement(
                            alternative.path("name").asString(""),
                            alternative.path("version").asString(""),
                            List.of()));
                }
                dependencies.add(new Requirement(
                        dependency.path("name").asString(""),
                        dependency.path("version").asString(""),
                        List.copyOf(alternatives)));
            }
            Map<String, String> requirements = new LinkedHashMap<>();
            for (JsonNode requirement : root.path("requirements")) {
                requirements.put(
                        requirement.path("name").asString(""),
                        requirement.path("version").asString(""));
            }
            return new Config(
                    name, root.path("version").asString(""), List.copyOf(dependencies), Map.copyOf(requirements));
        } catch (JacksonException e) {
            throw new FalcoOfflineException(
                    what + " has a falcoctl config that is not JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * The dependencies falcoctl would fetch by itself when installing all the given artifacts, in order, each once.
     * A dependency is satisfied by an installed artifact of the same name with the same major version and at least
     * the required version, or else by an installed alternative.
     *
     * @param installed the configs of every artifact that will be installed
     * @param conflicts receives a line for each dependency falcoctl will refuse (an installed major version that
     *     differs from the required one)
     */
    public static List<Unmet> unmet(Collection<Config> installed, List<String> conflicts) {
        Map<String, SemanticVersion> available = new LinkedHashMap<>();
        for (Config config : installed) {
            SemanticVersion.parse(config.version())
                    .ifPresent(
                            version -> available.merge(config.name(), version, (a, b) -> a.compareTo(b) >= 0 ? a : b));
        }
        Map<String, Unmet> unmet = new LinkedHashMap<>();
        for (Config config : installed) {
            for (Requirement requirement : config.dependencies()) {
                Optional<SemanticVersion> required = SemanticVersion.parse(requirement.version());
                SemanticVersion have = available.get(requirement.name());
                if (required.isEmpty()) {
                    conflicts.add(config.name() + " " + config.version() + " requires " + requirement.name() + " at '"
                            + requirement.version() + "', which is not a version falcoctl can read.");
                    continue;
                }
                if (have != null && have.major() != required.get().major()) {
                    conflicts.add(config.name() + " " + config.version() + " requires " + requirement.name() + " "
                            + requirement.version() + " but " + requirement.name() + " " + have
                            + " is installed; falcoctl refuses a different major version.");
                    continue;
                }
                if (have != null && have.satisfies(required.get()) || alternativeInstalled(requirement, available)) {
                    continue;
                }
                unmet.putIfAbsent(
                        requirement.name() + ":" + requirement.version(),
                        new Unmet(requirement, config.name() + " " + config.version()));
            }
        }
        return List.copyOf(unmet.values());
    }

    private static boolean alternativeInstalled(Requirement requirement, Map<String, SemanticVersion> available) {
        for (Requirement alternative : requirement.alternatives()) {
            SemanticVersion have = available.get(alternative.name());
            Optional<SemanticVersion> required = SemanticVersion.parse(alternative.version());
            if (have != null && required.isPresent() && have.satisfies(required.get())) {
                return true;
            }
        }
        return false;
    }
}
