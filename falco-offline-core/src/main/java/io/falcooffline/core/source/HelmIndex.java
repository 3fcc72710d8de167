package io.falcooffline.core.source;

import io.falcooffline.core.ChartSourceException;
import io.falcooffline.core.io.ByteBoundedInputStream;
import io.falcooffline.core.version.SemanticVersion;
import io.falcooffline.core.yaml.SafeYaml;
import io.falcooffline.core.yaml.YamlEventStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A Helm repository's {@code index.yaml}: chart versions by name, each with its archive URLs and digest. Read to
 * resolve a chart source, keeping only the chart asked for ({@link #read}), and updated to publish a chart beside
 * its archive ({@link #addTo}); neither builds the whole index, so public indexes of 20 MiB and more are read in a few
 * MiB of heap.
 */
public final class HelmIndex {

    /**
     * The largest index read, in bytes (256 MiB). Indexes are read as a stream, keeping only the chart asked for, so
     * this bounds the download and the time spent, not the heap: the largest public indexes are about 20 MiB.
     */
    public static final long MAX_INDEX_BYTES = 256L * 1024 * 1024;

    /** The index's file name in a repository. */
    public static final String FILE_NAME = "index.yaml";

    static final Comparator<Map<String, Object>> NEWEST_FIRST = Comparator.comparing(
                    (Map<String, Object> entry) -> SemanticVersion.parse(String.valueOf(entry.get("version")))
                            .orElse(new SemanticVersion(-1, 0, 0, "")))
            .reversed();

    private final Map<String, List<Map<String, Object>>> entries;
    private final Map<String, Object> document;
    /** Entries this index could not read, each named with why: skipped when resolving, refused when rewriting. */
    private final List<String> unreadable;

    HelmIndex(Map<String, Object> document, Map<String, List<Map<String, Object>>> entries, List<String> unreadable) {
        this.document = document;
        this.entries = entries;
        this.unreadable = List.copyOf(unreadable);
    }

    /** An index without charts. */
    public static HelmIndex empty() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("apiVersion", "v1");
        return new HelmIndex(document, new TreeMap<>(), List.of());
    }

    /**
     * Reads an index in memory, keeping every chart: for small indexes, e.g. one this project wrote. A repository's
     * index is read with {@link #read}.
     *
     * @param sourceName names it in errors, e.g. its URL
     * @throws ChartSourceException when it is not a Helm repository index
     */
    public static HelmIndex parse(byte[] bytes, String sourceName) {
        return read(new ByteArrayInputStream(bytes), sourceName, Optional.empty());
    }

    /**
     * Reads an index as a stream, keeping only the versions of one chart: other charts are skipped without being
     * built, so the heap needed does not grow with the index. At most {@link #MAX_INDEX_BYTES} are read.
     *
     * @param sourceName names it in errors, e.g. its URL
     * @param chart the chart whose versions are kept
     * @throws ChartSourceException when it is not a Helm repository index or breaks a bound, naming it and the fix
     */
    public static HelmIndex read(InputStream in, String sourceName, String chart) {
        return read(in, sourceName, Optional.of(chart));
    }

    private static HelmIndex read(InputStream in, String sourceName, Optional<String> chart) {
        return read(in, sourceName, chart, MAX_INDEX_BYTES);
    }

    /** {@link #read} within a bound of bytes. */
    static HelmIndex read(InputStream in, String sourceName, Optional<String> chart, long maxBytes) {
        InputStream bounded = new ByteBoundedInputStream(
                in,
                maxBytes,
                () -> new ChartSourceException(sourceName + " is larger than " + maxBytes + " bytes ("
                        + maxBytes / (1024 * 1024) + " MiB), the most falco-offline reads. Serve an index of the"
                        + " repository's current charts only, or give the chart's URL instead."));
        try (YamlEventStream events = new YamlEventStream(bounded, sourceName)) {
            return HelmIndexReader.read(events, chart).index();
        } catch (IOException e) {
            throw new ChartSourceException("Cannot read " + sourceName + ": " + e.getMessage(), e);
        }
    }

    /**
     * Adds a chart version to the index file in a directory, or starts the file. The other charts' entries are
     * copied through byte for byte; this chart's entries are written again, newest first, with the new one replacing
     * an entry of the same version; {@code generated} is set to {@code created}. The file is replaced atomically.
     *
     * @param chartYaml the chart's Chart.yaml, whose fields the entry repeats as Helm's {@code helm repo index} does
     * @param digest the archive's {@code sha256:<hex>}
     * @param url where the archive is, absolute or relative to the repository
     * @throws ChartSourceException when the file is not an index, breaks a bound, or holds entries of this chart
     *     that cannot be read (writing it again would drop them), naming them and the fix
     */
    public static void addTo(Path file, Map<String, Object> chartYaml, String digest, String url, Instant created) {
        HelmIndexFile.add(file, entry(chartYaml, digest, url, created), created);
    }

    /**
     * Refuses to rewrite an index holding entries it could not read: writing it back would drop them.
     *
     * @param sourceName names the index in the message
     * @throws ChartSourceException naming the entries and the fix
     */
    public void requireEveryEntryReadable(String sourceName) {
        if (!unreadable.isEmpty()) {
            throw new ChartSourceException(sourceName + " holds entries falco-offline cannot read: "
                    + String.join(", ", unreadable.subList(0, Math.min(unreadable.size(), 5)))
                    + (unreadable.size() > 5 ? " and " + (unreadable.size() - 5) + " more" : "")
                    + ". Adding the chart would drop them: fix them (each version a map with `version`, `urls` and"
                    + " `digest`, as helm repo index writes), or remove the file to start a new index.");
        }
    }

    /** The versions of a chart, newest first. */
    public List<String> versions(String name) {
        return entries.getOrDefault(name, List.of()).stream()
                .map(entry -> String.valueOf(entry.get("version")))
                .toList();
    }

    /**
     * The chart version Helm would pick: the one written exactly as asked, else the newest satisfying the
     * constraint.
     */
    public Optional<Entry> find(String name, VersionConstraint constraint) {
        List<Map<String, Object>> versions = entries.getOrDefault(name, List.of());
        String asked = constraint.toString();
        return versions.stream()
                .filter(entry -> asked.equals(String.valueOf(entry.get("version"))))
                .findFirst()
                .or(() -> versions.stream()
                        .filter(entry -> constraint.isSatisfiedBy(String.valueOf(entry.get("version"))))
                        .findFirst())
                .map(entry -> Entry.of(name, entry));
    }

    /**
     * This index with a chart version added, replacing an entry of the same name and version.
     *
     * @param chartYaml the chart's Chart.yaml, whose fields the entry repeats as Helm's {@code helm repo index} does
     * @param digest the archive's {@code sha256:<hex>}
     * @param url where the archive is, absolute or relative to the repository
     * @param created the entry's creation time
     */
    public HelmIndex with(Map<String, Object> chartYaml, String digest, String url, Instant created) {
        return withEntry(entry(chartYaml, digest, url, created));
    }

    /** This index with an entry added, replacing an entry of the same chart and version. */
    HelmIndex withEntry(Map<String, Object> entry) {
        String name = String.valueOf(entry.get("name"));
        String version = String.valueOf(entry.get("version"));
        Map<String, List<Map<String, Object>>> changed = new TreeMap<>(entries);
        List<Map<String, Object>> versions = new ArrayList<>(changed.getOrDefault(name, List.of()));
        versions.removeIf(existing -> version.equals(String.valueOf(existing.get("version"))));
        versions.add(entry);
        versions.sort(NEWEST_FIRST);
        changed.put(name, versions);
        Map<String, Object> document = new LinkedHashMap<>(this.document);
        document.put("apiVersion", "v1");
        return new HelmIndex(document, changed, unreadable);
    }

    /** The entry {@code helm repo index} writes for a chart archive. */
    static Map<String, Object> entry(Map<String, Object> chartYaml, String digest, String url, Instant created) {
        Map<String, Object> entry = new LinkedHashMap<>(chartYaml);
        entry.put("created", created.toString());
        entry.put("digest", digest.startsWith("sha256:") ? digest.substring("sha256:".length()) : digest);
        entry.put("urls", List.of(url));
        return entry;
    }

    /** The entries of a chart, newest first, as they are kept. */
    List<Map<String, Object>> entries(String name) {
        return entries.getOrDefault(name, List.of());
    }

    /**
     * The index as YAML; {@code generated} is set to the given time, so the same content and time give the same
     * bytes.
     */
    public byte[] toYaml(Instant generated) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("apiVersion", document.getOrDefault("apiVersion", "v1"));
        out.put("entries", new TreeMap<>(entries));
        out.put("generated", generated.toString());
        document.forEach((key, value) -> {
            if (!out.containsKey(key)) {
                out.put(key, value);
            }
        });
        return SafeYaml.dump(out).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * One chart version of the index.
     *
     * @param name the chart name
     * @param version its version
     * @param urls where its archive is, as the index writes them
     * @param digest the archive's {@code sha256:<hex>}, or empty when the index records none
     */
    public record Entry(String name, String version, List<String> urls, Optional<String> digest) {

        static Entry of(String name, Map<String, Object> map) {
            List<String> urls = new ArrayList<>();
            if (map.get("urls") instanceof List<?> list) {
                list.forEach(url -> urls.add(String.valueOf(url)));
            }
            Optional<String> digest = Optional.ofNullable(map.get("digest"))
                    .map(value -> String.valueOf(value).toLowerCase(Locale.ROOT))
                    .filter(value -> !value.isBlank())
                    .map(value -> value.startsWith("sha256:") ? value : "sha256:" + value);
            return new Entry(name, String.valueOf(map.get("version")), List.copyOf(urls), digest);
        }

        /** The archive URL, a relative one resolved against the repository URL as Helm does. */
        public Optional<URI> archiveUri(URI repository) {
            if (urls.isEmpty()) {
                return Optional.empty();
            }
            String base = repository.toString().endsWith("/") ? repository.toString() : repository + "/";
            return Optional.of(URI.create(base).resolve(urls.get(0)));
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        ((Map<Object, Object>) map).forEach((key, value) -> copy.put(String.valueOf(key), value));
        return copy;
    }
}
