package io.falcooffline.core.falco;

import io.falcooffline.core.Platform;
import io.falcooffline.core.oci.Digests;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tag of the baked Falco image, derived from everything that decides its content, so that the tag changes when
 * the content does and stays the same when it does not. With {@code imagePullPolicy: IfNotPresent} a node that
 * cached an older baked image then pulls the new one on upgrade, and {@code helm rollback} goes back to the old tag,
 * which still names the old content.
 *
 * <p>The inputs are known in the {@code falco} stage, before the values are written and before anything is built:
 * {@link io.falcooffline.core.falco.bake.FalcoImageBaker} builds the same bytes from the same inputs (base image at a
 * digest, artifacts at their digests, platforms, the files' paths in the image, the container plugin override), and
 * the base and the artifacts it reads are named in the image's manifest annotations and config history, so their
 * internal names are inputs too.
 */
final class BakeTag {

    /**
     * The version of the derivation: change it whenever {@code FalcoImageBaker} builds different bytes from the same
     * inputs, so that the new image gets new tags.
     */
    static final String FORMAT = "falco-offline-bake/1";

    /** Hex characters of the content digest in the tag: 64 bits, no collision among a registry's builds. */
    static final int HASH_CHARACTERS = 16;

    /** The OCI distribution spec's limit on a tag. */
    static final int MAX_TAG_LENGTH = 128;

    /**
     * One artifact baked into the image.
     *
     * @param reference the internal reference the bake reads it from, at its exact version
     * @param digest the digest of what that version resolved to
     */
    record Artifact(String reference, String digest) {}

    /**
     * Everything the derived image's bytes depend on.
     *
     * @param baseImage the internal reference the bake reads the base image from
     * @param baseDigest the digest the base image's source resolved to
     * @param artifacts the artifacts baked into the added layer
     * @param platforms the platforms of the derived index
     * @param pluginLibraries each plugin's library path in the image
     * @param rulesFiles each rules file's path in the image
     * @param overrideContainerPluginConfig whether the container plugin's {@code config.d} file is replaced
     */
    record Inputs(
            String baseImage,
            String baseDigest,
            List<Artifact> artifacts,
            List<Platform> platforms,
            Map<String, String> pluginLibraries,
            Map<String, String> rulesFiles,
            boolean overrideContainerPluginConfig) {

        Inputs {
            artifacts = List.copyOf(artifacts);
            platforms = List.copyOf(platforms);
            pluginLibraries = Map.copyOf(pluginLibraries);
            rulesFiles = Map.copyOf(rulesFiles);
        }
    }

    private BakeTag() {}

    /**
     * The digest of the inputs in one canonical text: one line per input, lists sorted, so that the order in which
     * values, parameters or the resolver list them changes nothing.
     */
    static String contentDigest(Inputs inputs) {
        List<String> lines = new ArrayList<>();
        lines.add("format " + FORMAT);
        lines.add("base " + inputs.baseImage() + " " + inputs.baseDigest());
        inputs.platforms().stream()
                .map(Platform::toString)
                .distinct()
                .sorted()
                .forEach(platform -> lines.add("platform " + platform));
        inputs.artifacts().stream()
                .sorted(Comparator.comparing(Artifact::reference).thenComparing(Artifact::digest))
                .distinct()
                .forEach(artifact -> lines.add("artifact " + artifact.reference() + " " + artifact.digest()));
        new TreeMap<>(inputs.pluginLibraries()).forEach((name, path) -> lines.add("library " + name + " " + path));
        new TreeMap<>(inputs.rulesFiles()).forEach((name, path) -> lines.add("rules " + name + " " + path));
        lines.add("container-plugin-override " + inputs.overrideContainerPluginConfig());
        return Digests.sha256((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code <prefix>-<first 16 hex characters of the content digest>}, the prefix shortened so that the tag stays
     * within {@value #MAX_TAG_LENGTH} characters.
     *
     * @param prefix a valid tag that says what the image is, e.g. {@code 0.44.0-offline} or the values' own tag
     * @param contentDigest {@code sha256:<hex>} from {@link #contentDigest}
     */
    static String tag(String prefix, String contentDigest) {
        String hex = contentDigest.substring(contentDigest.indexOf(':') + 1);
        String suffix = "-" + hex.substring(0, HASH_CHARACTERS);
        String shortened = prefix.length() + suffix.length() > MAX_TAG_LENGTH
                ? prefix.substring(0, MAX_TAG_LENGTH - suffix.length())
                : prefix;
        return shortened + suffix;
    }
}
