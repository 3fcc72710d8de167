package io.falcooffline.core.falco;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.ProxySettings;
import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.io.RegularFiles;
import io.falcooffline.core.net.Connections;
import io.falcooffline.core.oci.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The falcoctl index short names resolve through at build time: the file or URL of the {@code falcoctlIndex}
 * parameter, else the indexes the values configure (fetched now, with a cached copy kept for when they are out of
 * reach), else falco-offline's built-in subset of the public index. The plan says which was used.
 */
public final class IndexSource {

    /** The parameter naming an index file or URL. */
    public static final String PARAMETER = "falcoctlIndex";

    private static final int MAX_INDEX_BYTES = 8 * 1024 * 1024;
    private static final int MAX_INDEXES = 16;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** Where the index came from. */
    public enum Origin {
        /** The {@code falcoctlIndex} parameter. */
        PARAMETER,
        /** Fetched from the URLs the values configure. */
        FETCHED,
        /** A cached copy of those URLs, because fetching failed. */
        CACHED,
        /** falco-offline's built-in subset of the public index. */
        BUILT_IN
    }

    /**
     * The index chosen.
     *
     * @param index the entries
     * @param origin where they came from
     * @param description a sentence for the plan, e.g. {@code fetched from https://…/index.yaml}
     */
    public record Chosen(FalcoctlIndex index, Origin origin, String description) {}

    private final Optional<Path> cacheDirectory;
    private final ProxySettings proxy;
    private final boolean offline;

    /** @param cacheDirectory where fetched indexes are kept for later runs that cannot reach them; empty for none */
    public IndexSource(Optional<Path> cacheDirectory) {
        this(cacheDirectory, ProxySettings.fromSystem(), false);
    }

    /**
     * @param cacheDirectory where fetched indexes are kept for later runs that cannot reach them; empty for none
     * @param proxy the proxies index URLs are fetched through
     * @param offline whether nothing may be fetched: a URL given with {@code falcoctlIndex} then fails
     */
    public IndexSource(Optional<Path> cacheDirectory, ProxySettings proxy, boolean offline) {
        this.cacheDirectory = cacheDirectory;
        this.proxy = proxy;
        this.offline = offline;
    }

    /**
     * Chooses the index.
     *
     * @param parameter the {@code falcoctlIndex} parameter: a file path or a {@code http(s)://} or {@code file://}
     *     URL; empty when not given
     * @param configuredIndexes {@code falcoctl.config.indexes} of the effective values
     * @param fetch whether the build may fetch them (it reaches upstream); otherwise only a cached copy is used
     * @throws InvalidRequestException naming {@code falcoctlIndex} when that index cannot be read
     */
    public Chosen choose(Optional<String> parameter, List<?> configuredIndexes, boolean fetch) {
        if (parameter.isPresent() && !parameter.get().isBlank()) {
            String location = parameter.get().strip();
            try {
                FalcoctlIndex index = FalcoctlIndex.parse(read(location), location);
                return new Chosen(index, Origin.PARAMETER, "the index given with `falcoctlIndex` (" + location + ")");
            } catch (FalcoOfflineException e) {
                throw new InvalidRequestException(
                        PARAMETER, "Cannot use the falcoctl index " + location + ": " + e.getMessage());
            }
        }
        List<String> urls = new ArrayList<>();
        for (Object item : configuredIndexes) {
            if (item instanceof Map<?, ?> entry && entry.get("url") != null) {
                urls.add(String.valueOf(entry.get("url")).strip());
            }
        }
        if (urls.isEmpty()) {
            return new Chosen(
                    FalcoctlIndex.builtIn(),
                    Origin.BUILT_IN,
                    "the built-in subset of the public falcoctl index (the values configure no index; give one with"
                            + " `falcoctlIndex` for other artifacts)");
        }
        List<FalcoctlIndex> indexes = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        boolean cached = false;
        for (String url : urls.subList(0, Math.min(urls.size(), MAX_INDEXES))) {
            try {
                if (!fetch) {
                    throw new FalcoOfflineException("not fetched: the build does not reach upstream");
                }
                String text = read(url);
                indexes.add(FalcoctlIndex.parse(text, url));
                cache(url, text);
            } catch (FalcoOfflineException e) {
                Optional<String> copy = cached(url);
                if (copy.isPresent()) {
                    indexes.add(FalcoctlIndex.parse(copy.get(), "cached copy of " + url));
                    cached = true;
                } else {
                    failures.add(url + " (" + e.getMessage() + ")");
                }
            }
        }
        if (!failures.isEmpty()) {
            return new Chosen(
                    FalcoctlIndex.builtIn(),
                    Origin.BUILT_IN,
                    "the built-in subset of the public falcoctl index, because " + String.join(", ", failures)
                            + " could not be read and no cached copy exists; give the index with `falcoctlIndex`");
        }
        return new Chosen(
                FalcoctlIndex.merge(indexes),
                cached ? Origin.CACHED : Origin.FETCHED,
                (cached ? "a cached copy of " : "fetched from ") + String.join(", ", urls));
    }

    private String read(String location) {
        Path file;
        try {
            if (location.startsWith("http://") || location.startsWith("https://")) {
                return fetch(URI.create(location));
            }
            file = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
        } catch (IllegalArgumentException e) {
            throw new FalcoOfflineException("it is not a valid index location (" + e.getMessage()
                    + "). Give a file path, a file:///absolute/path URL or an" + " http(s):// URL.");
        }
        byte[] bytes = RegularFiles.read(
                        file,
                        MAX_INDEX_BYTES,
                        "falcoctl index",
                        "Give the path of the index file itself (a regular file, not a link, pipe or device).")
                .orElseThrow(() -> new FalcoOfflineException("cannot read " + file + ": no such file; check the"
                        + " path, a file path or a file:///absolute/path URL."));
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private String fetch(URI uri) {
        try {
            HttpURLConnection connection = Connections.open(uri, proxy, offline, "the falcoctl index " + uri);
            connection.setConnectTimeout(Math.toIntExact(TIMEOUT.toMillis()));
            connection.setReadTimeout(Math.toIntExact(TIMEOUT.toMillis()));
            // Redirects within the scheme are followed, never from https to http.
            connection.setInstanceFollowRedirects(true);
            int status = connection.getResponseCode();
            if (status != 200) {
                connection.disconnect();
                throw new FalcoOfflineException("HTTP " + status);
            }
            try (InputStream body = connection.getInputStream()) {
                byte[] bytes = body.readNBytes(MAX_INDEX_BYTES + 1);
                if (bytes.length > MAX_INDEX_BYTES) {
                    throw new FalcoOfflineException("larger than " + MAX_INDEX_BYTES + " bytes");
                }
                return new String(bytes, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            if (Connections.isUnreachable(e)) {
                throw new FalcoOfflineException("cannot reach " + Connections.authority(uri) + " "
                        + proxy.describeRoute(uri) + ": " + Connections.reason(e));
            }
            throw new FalcoOfflineException(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void cache(String url, String text) {
        cacheDirectory.ifPresent(
                directory -> AtomicFiles.write(cacheFile(directory, url), text.getBytes(StandardCharsets.UTF_8)));
    }

    private Optional<String> cached(String url) {
        if (cacheDirectory.isEmpty()) {
            return Optional.empty();
        }
        Path file = cacheFile(cacheDirectory.get(), url);
        return RegularFiles.read(
                        file,
                        MAX_INDEX_BYTES,
                        "cached falcoctl index",
                        "Delete it; it is fetched again when the index is in reach.")
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8));
    }

    private static Path cacheFile(Path directory, String url) {
        String digest = Digests.sha256(url.getBytes(StandardCharsets.UTF_8)).substring("sha256:".length());
        return directory.resolve(digest + ".yaml");
    }
}
