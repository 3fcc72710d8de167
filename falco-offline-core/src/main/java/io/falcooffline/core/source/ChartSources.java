package io.falcooffline.core.source;

import io.falcooffline.core.ArtifactNotFoundException;
import io.falcooffline.core.ChartSource;
import io.falcooffline.core.ChartSourceException;
import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RegistryException;
import io.falcooffline.core.SourceOptions;
import io.falcooffline.core.SourceUnreachableException;
import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.io.AtomicFiles;
import io.falcooffline.core.io.SafeText;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.oci.registry.RegistryClientOptions;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.yaml.SafeYaml;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The first stage of a package run: turns a {@link ChartSource} into a chart on this machine. Downloads go through
 * the cache of {@link SourceOptions#cacheDirectory()}, keyed by digest, so a second run and an offline run give the
 * same chart without the network.
 *
 * <pre>{@code
 * ResolvedChart chart = ChartSources.resolve(
 *         ChartSource.repository("https://falcosecurity.github.io/charts", "falco", "9.0.*"),
 *         SourceOptions.defaults(),
 *         registryAccess,
 *         listener);
 * }</pre>
 */
public final class ChartSources {

    private final SourceOptions options;
    private final RegistryAccess access;
    private final ProgressListener listener;
    private final ChartCache cache;

    private ChartSources(SourceOptions options, RegistryAccess access, ProgressListener listener) {
        this.options = options;
        this.access = access;
        this.listener = listener;
        this.cache = new ChartCache(options.cacheDirectory());
    }

    /**
     * Resolves a source to a local chart.
     *
     * @throws ChartSourceException naming the source and the fix: a wrong digest (with the actual one), no version
     *     satisfying the requirement (with the versions there are), a missing git ref, an unreachable source with
     *     nothing cached
     */
    public static ResolvedChart resolve(
            ChartSource source, SourceOptions options, RegistryAccess access, ProgressListener listener) {
        return new ChartSources(options, access, listener).resolve(source);
    }

    private ResolvedChart resolve(ChartSource source) {
        if (source instanceof ChartSource.Local local) {
            return local(local.path());
        }
        if (source instanceof ChartSource.Url url) {
            return url(url.uri(), url.sha256());
        }
        if (source instanceof ChartSource.Oci oci) {
            return oci(oci.reference());
        }
        if (source instanceof ChartSource.Repository repository) {
            return repository(repository.uri(), repository.name(), VersionConstraint.parse(repository.version()));
        }
        ChartSource.Git git = (ChartSource.Git) source;
        return git(git.repository(), git.ref(), git.path());
    }

    private ResolvedChart local(Path chart) {
        if (!Files.exists(chart)) {
            throw new ChartSourceException("Chart " + chart + " does not exist: fix the path in `chart`.");
        }
        String digest;
        Chart read;
        try {
            if (Files.isDirectory(chart)) {
                digest = DirectoryDigest.of(chart);
                read = new ChartReader().read(chart);
            } else {
                // One read of an archive gives both its digest and the chart, so they cannot disagree; the reader
                // refuses what is neither a file nor a directory, naming it.
                byte[] archive = Files.readAllBytes(chart);
                digest = Digests.sha256(archive);
                read = Files.isRegularFile(chart)
                        ? new ChartReader().readArchive(archive, chart.toString())
                        : new ChartReader().read(chart);
            }
        } catch (IOException e) {
            throw new ChartSourceException("Cannot read chart " + chart + ": " + e.getMessage(), e);
        }
        // Named by its content, not its path: the same chart gives the same output wherever and however it is stored.
        return new ResolvedChart(chart, "local " + read.name() + " " + read.version(), digest, Optional.of(read));
    }

    private ResolvedChart url(URI uri, Optional<String> sha256) {
        // A pre-signed URL's query is a secret: it is sent, never recorded (annotations, lock, cache, messages).
        String reference = SafeText.urlWithoutSecrets(uri);
        SourceHttp http = new SourceHttp(options, access, listener);
        String digest = archive(
                "url " + reference,
                reference,
                sha256,
                () -> http.get(uri, HelmOciChart.MAX_CHART_BYTES, "chart " + reference));
        return new ResolvedChart(cache.blobFile(digest), reference, digest);
    }

    /** A Helm chart in a registry, or a dependency of one. */
    ResolvedChart oci(OciReference reference) {
        String text = "oci://" + reference;
        String digest = archive("oci " + text, text, Optional.empty(), () -> {
            String host = reference.registry();
            try (RegistryClient client = new RegistryClient(access.clientOptions(host), listener)) {
                listener.info("Pulling chart " + text + ".");
                return HelmOciChart.pull(client, reference).archive();
            } catch (ArtifactNotFoundException e) {
                throw new ChartSourceException(
                        "Chart " + text + " does not exist: " + e.getMessage() + tagsOf(reference), e);
            } catch (RegistryException e) {
                if (e.statusCode() == 0) {
                    throw new SourceUnreachableException(
                            "Cannot reach " + host + " for " + text + ": " + e.getMessage(), e);
                }
                throw e;
            }
        });
        return new ResolvedChart(cache.blobFile(digest), text, digest);
    }

    RegistryClientOptions registryOptions(String host) {
        return access.clientOptions(host);
    }

    private String tagsOf(OciReference reference) {
        try (RegistryClient client = new RegistryClient(access.clientOptions(reference.registry()), listener)) {
            List<String> tags = client.listTags(reference.repository());
            return tags.isEmpty()
                    ? " (the repository has no tags)"
                    : " (its tags: " + String.join(", ", tags.stream().limit(30).toList()) + ")";
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** The chart of a Helm repository Helm would pick for a requirement. */
    ResolvedChart repository(URI repository, String name, VersionConstraint version) {
        HelmIndex index = index(repository, name);
        HelmIndex.Entry entry =
                index.find(name, version).orElseThrow(() -> noVersion(repository, name, version, index));
        URI archive;
        try {
            archive = entry.archiveUri(repository)
                    .orElseThrow(() -> new ChartSourceException("The index of " + repository + " lists " + name + " "
                            + entry.version() + " without a URL; the repository is broken."));
        } catch (IllegalArgumentException e) {
            throw new ChartSourceException(
                    "The index of " + SafeText.urlWithoutSecrets(repository) + " lists " + name + " "
                            + entry.version() + " with an invalid URL "
                            + SafeText.quote(entry.urls().get(0))
                            + ". Fix the URL in the repository's index.yaml: an http(s) URL, or one relative to the"
                            + " repository.",
                    e);
        }
        if (entry.digest().isEmpty()) {
            listener.warn("The index of " + repository + " records no digest for " + name + " " + entry.version()
                    + "; the archive is taken as served.");
        }
        String reference = repository + " " + name + " " + entry.version();
        SourceHttp http = new SourceHttp(options, access, listener);
        listener.info("Chart " + name + " " + entry.version() + " of " + repository + " satisfies " + version + ".");
        String digest = archive(
                "url " + SafeText.urlWithoutSecrets(archive),
                reference,
                entry.digest(),
                () -> http.get(
                        archive,
                        HelmOciChart.MAX_CHART_BYTES,
                        "chart " + name + " " + entry.version() + " listed in the index of "
                                + SafeText.urlWithoutSecrets(repository)));
        return new ResolvedChart(cache.blobFile(digest), reference, digest);
    }

    /** The index of a repository, of which only the chart asked for is kept. */
    private HelmIndex index(URI repository, String name) {
        URI indexUri = URI.create(repository + "/" + HelmIndex.FILE_NAME);
        SourceHttp http = new SourceHttp(options, access, listener);
        String digest = stored(
                "index " + repository,
                indexUri.toString(),
                Optional.empty(),
                () -> http.get(indexUri, HelmIndex.MAX_INDEX_BYTES, "index.yaml of " + repository, cache::store));
        return HelmIndex.read(cache.open(digest), indexUri.toString(), name);
    }

    private static ChartSourceException noVersion(
            URI repository, String name, VersionConstraint version, HelmIndex index) {
        List<String> versions = index.versions(name);
        if (versions.isEmpty()) {
            return new ChartSourceException("The Helm repository " + repository + " has no chart named '" + name
                    + "'. Fix `chart` (the chart's name in the repository).");
        }
        return new ChartSourceException("No version of chart " + name + " in " + repository + " satisfies '" + version
                + "'; it has " + String.join(", ", versions.stream().limit(40).toList())
                + (versions.size() > 40 ? ", …" : "") + ". Fix `chartVersion`.");
    }

    private ResolvedChart git(String url, String ref, String chartPath) {
        GitCharts git = new GitCharts(cache, access, listener);
        try (GitCharts.Fetched fetched = git.fetch(url, ref)) {
            String commit = fetched.commit().name();
            String reference = url + " " + ref + (chartPath.isEmpty() ? "" : " " + chartPath);
            Path directory = cache.derivedDirectory("git " + commit + " " + chartPath);
            Path chart = exportedChart(directory).orElseGet(() -> {
                exportChart(fetched, url, ref, chartPath, directory);
                return exportedChart(directory)
                        .orElseThrow(() -> new ChartSourceException("The chart cache lost " + directory + "."));
            });
            listener.info("Chart from " + url + " at " + ref + " (commit " + commit + ")"
                    + (chartPath.isEmpty() ? "" : " in " + chartPath) + ".");
            return new ResolvedChart(chart, reference, "git:" + commit);
        }
    }

    /** The chart directory of a finished export: the one directory holding a Chart.yaml. */
    private static Optional<Path> exportedChart(Path directory) {
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        try (Stream<Path> children = Files.list(directory)) {
            return children.filter(child -> Files.isRegularFile(child.resolve("Chart.yaml")))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void exportChart(GitCharts.Fetched fetched, String url, String ref, String chartPath, Path directory) {
        String what = "Directory '" + chartPath + "' of " + url + " at " + ref;
        Path staging = null;
        try {
            Files.createDirectories(directory.getParent());
            staging = AtomicFiles.createTemporaryDirectory(directory.getParent(), ".export-");
            Path exported = staging.resolve(".tree");
            Files.createDirectories(exported);
            if (!GitCharts.export(fetched, chartPath, exported, what)) {
                throw new ChartSourceException(what + " does not exist or is empty. Fix `chartGitPath`.");
            }
            Path chartYaml = exported.resolve("Chart.yaml");
            if (!Files.isRegularFile(chartYaml)) {
                throw new ChartSourceException(what + " has no Chart.yaml: it is not a chart. Fix `chartGitPath`.");
            }
            Map<String, Object> metadata = SafeYaml.loadMap(Files.readString(chartYaml), what + "/Chart.yaml");
            String name = String.valueOf(metadata.get("name"));
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new ChartSourceException(what + "/Chart.yaml has no valid `name` (got '" + name + "').");
            }
            Path chart = staging.resolve(name);
            Files.move(exported, chart);
            new TreeDependencies(this, fetched, chartPath, what, listener).resolveInto(chart);
            try {
                Files.move(staging, directory, StandardCopyOption.ATOMIC_MOVE);
                staging = null;
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                // Another run exported the same commit meanwhile: its copy is as good.
                listener.debug("The chart cache already holds " + directory + ".");
            } catch (IOException e) {
                if (exportedChart(directory).isEmpty()) {
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new ChartSourceException("Exporting " + what + " into the chart cache failed: " + e.getMessage(), e);
        } finally {
            deleteTree(staging);
        }
    }

    /**
     * Gives content from the cache or the source: with a known digest cached, no download; offline, the last answer
     * to the same question; online, a download checked against the expected digest, falling back to the last answer
     * when the source cannot be reached.
     *
     * @return the digest of the content, now in the cache
     */
    private String archive(String question, String reference, Optional<String> expected, Supplier<byte[]> download) {
        return stored(question, reference, expected, () -> {
            byte[] bytes = download.get();
            String actual = Digests.sha256(bytes);
            // Checked before storing, so a wrong download leaves nothing in the cache.
            if (expected.isPresent() && !expected.get().equals(actual)) {
                throw new ChartSourceException(reference + " has the digest " + actual + ", not the expected "
                        + expected.get() + ". Check `chartSha256` (or the repository's index); if the source changed"
                        + " on purpose, set it to " + actual + ".");
            }
            return cache.store(bytes);
        });
    }

    /**
     * {@link #archive} for a download that stores itself in the cache as it comes, e.g. a large index.
     *
     * @param download stores the content and gives its digest, having checked it against {@code expected}
     */
    private String stored(String question, String reference, Optional<String> expected, Supplier<String> download) {
        if (expected.isPresent() && cache.contains(expected.get())) {
            listener.debug(reference + " is in the chart cache as " + expected.get() + ".");
            cache.remember(question, expected.get());
            return expected.get();
        }
        if (access.offline()) {
            return cached(question, expected)
                    .orElseThrow(() -> new SourceUnreachableException(
                            "Offline, and the chart cache " + cache.root() + " holds nothing for " + reference
                                    + ": run once online (without -o) to fetch it"
                                    + expected.map(d -> " (" + d + ")").orElse("") + ".",
                            null));
        }
        String actual;
        try {
            actual = download.get();
        } catch (SourceUnreachableException e) {
            Optional<String> cached = cached(question, expected);
            if (cached.isPresent()) {
                listener.warn(e.getMessage() + "; using the copy in the chart cache (" + cached.get() + ").");
                return cached.get();
            }
            throw new SourceUnreachableException(
                    e.getMessage() + ". The chart cache " + cache.root() + " holds nothing for " + reference
                            + ": check the network or proxy, or fetch it on a machine that reaches it.",
                    e);
        }
        cache.remember(question, actual);
        return actual;
    }

    private Optional<String> cached(String question, Optional<String> expected) {
        Optional<String> digest = expected.or(() -> cache.recall(question));
        return digest.filter(cache::contains);
    }

    private static void deleteTree(Path directory) {
        if (directory == null) {
            return;
        }
        try {
            AtomicFiles.deleteRecursively(directory);
        } catch (IOException e) {
            // A leftover staging directory is hidden and harmless.
        }
    }

    static FalcoOfflineException unsupportedDependency(String what, String name, String repository) {
        return new ChartSourceException(what + " depends on " + name + " from '" + repository
                + "', which is neither in its charts/ directory nor an http(s)://, oci:// or file:// repository."
                + " Vendor it into charts/ or give its repository URL in Chart.yaml.");
    }
}
