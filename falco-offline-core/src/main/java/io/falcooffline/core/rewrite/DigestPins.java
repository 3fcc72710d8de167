package io.falcooffline.core.rewrite;

import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.plan.Plan;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code pinDigests}: every image the chart pulls is written as {@code <tag>@sha256:…}, the digest of the image as the
 * mirror copies it, resolved at build time. A container runtime then pulls that digest whatever the tag names by
 * now, and a node that cached another image under the same tag does not run it.
 *
 * <p>Charts build an image as {@code registry/repository:tag}, so a tag of {@code 0.44.0@sha256:…} renders as
 * {@code registry/repository:0.44.0@sha256:…}. A chart that also writes the tag alone as a value (a label such as
 * {@code app.kubernetes.io/version: {{ .Values.image.tag }}}, which may hold neither {@code :} nor {@code @}) cannot
 * take the digest there; such an image keeps its tag, and the plan's {@code pinning} section says why.
 */
public final class DigestPins {

    /** Reads the digests of an image as the run copies it. */
    @FunctionalInterface
    public interface Resolver {

        /**
         * @param source the image as the chart names it, on its source registry (or the internal one, when it is
         *     already there)
         * @param copied whether the run copies it (else it is read where it is and pulled as it is)
         */
        Digests resolve(OciReference source, boolean copied);
    }

    /**
     * The digests of one image.
     *
     * @param source what its tag resolves to at its source
     * @param target what the cluster pulls: the source's, or that of the index narrowed to the mirrored platforms
     */
    public record Digests(String source, String target) {}

    /** A template line that writes the tag alone as the value of a key: {@code key: {{ .Values.….tag }}}. */
    private static final String KEY_WITH_TAG_ALONE = "^\\s*(?:-\\s+)?([A-Za-z0-9_./-]+):\\s*\"?\\{\\{-?\\s*";

    private final Resolver resolver;
    private final Map<String, Digests> resolved = new HashMap<>();
    private final Map<String, String> notPinned = new TreeMap<>();

    public DigestPins(Resolver resolver) {
        this.resolver = resolver;
    }

    /** The source and target of an image pinned to its digests. */
    record Pinned(OciReference source, OciReference target) {}

    /** Pins one image, resolving each source once. */
    Pinned pin(OciReference source, OciReference target) {
        boolean copied = !source.equals(target);
        Digests digests = resolved.computeIfAbsent(
                source.toString() + (copied ? "" : " in place"), key -> resolver.resolve(source, copied));
        return new Pinned(
                source.digest() == null ? withDigest(source, digests.source()) : source,
                withDigest(target, digests.target()));
    }

    /** Records an image the chart pulls that stays on its tag, and why. */
    public void notPinned(String reference, String why) {
        notPinned.put(reference, why);
    }

    /**
     * Why an image block's tag cannot carry a digest in this chart: a template line writes it alone as the value of
     * a key other than {@code image}. Empty when every use concatenates it into an image reference.
     *
     * @param imagePath the block's path in the chart's values, e.g. {@code [image]}
     */
    static Optional<String> tagCannotCarryDigest(Chart chart, List<Object> imagePath) {
        String expression = "\\.Values\\."
                + imagePath.stream().map(String::valueOf).map(Pattern::quote).collect(Collectors.joining("\\."))
                + "\\.tag(?![A-Za-z0-9_.])";
        Pattern alone = Pattern.compile(KEY_WITH_TAG_ALONE + "(?:quote\\s+)?" + expression);
        for (String file : chart.filePaths()) {
            if (!file.startsWith("templates/")) {
                continue;
            }
            String[] lines = new String(chart.file(file).orElseThrow(), StandardCharsets.UTF_8).split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher matcher = alone.matcher(lines[i]);
                if (matcher.find() && !matcher.group(1).equals("image")) {
                    return Optional.of(chart.path() + "/" + file + " line " + (i + 1) + " writes the tag alone as "
                            + matcher.group(1) + ", which cannot hold a digest (':' and '@' are not allowed in a"
                            + " label value); the image is pulled by its tag");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The plan's {@code pinning} section: each image the chart pulls with its tag and digest, and the images that stay
     * on their tag with the reason.
     */
    public Map<String, Object> section(Plan plan) {
        List<Object> pinned = new ArrayList<>();
        Map<String, String> unpinned = new TreeMap<>(notPinned);
        for (PlannedReference reference : plan.referencesInUse()) {
            Optional<OciReference> target = reference.targetReference();
            boolean namedByTheChart = reference.locations().stream()
                    .anyMatch(location -> !location.file().equals(Rewrite.LATER_STAGE));
            if (reference.kind() != ReferenceKind.IMAGE || target.isEmpty() || !namedByTheChart) {
                continue;
            }
            if (target.get().digest() != null) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("reference", reference.target());
                json.put("tag", target.get().tag());
                json.put("digest", target.get().digest());
                json.put(
                        "sourceDigest",
                        reference.sourceReference().map(OciReference::digest).orElse(null));
                pinned.add(json);
            } else {
                unpinned.putIfAbsent(reference.target(), "the rendered chart pulls it by its tag");
            }
        }
        List<Object> tagged = new ArrayList<>();
        unpinned.forEach((reference, why) -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("reference", reference);
            json.put("why", why);
            tagged.add(json);
        });
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("pinned", pinned);
        section.put("notPinned", tagged);
        return section;
    }

    private static OciReference withDigest(OciReference reference, String digest) {
        return new OciReference(reference.registry(), reference.repository(), reference.tag(), digest);
    }
}
