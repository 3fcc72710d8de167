package io.falcooffline.core;

import io.falcooffline.core.io.SafeText;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.source.VersionConstraint;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the chart to rewrite comes from: a local {@code .tgz} or directory, an {@code http(s)} URL of a {@code .tgz},
 * an OCI reference ({@code oci://host/path/falco:9.0.0}), a chart of a Helm repository (name and version or
 * constraint), or a chart directory in a git repository at a tag, branch or commit. Immutable.
 *
 * <pre>{@code
 * ChartSource.url("https://github.com/falcosecurity/charts/releases/download/falco-9.0.0/falco-9.0.0.tgz", null);
 * ChartSource.oci("oci://harbor.corp/charts/falco:9.0.0");
 * ChartSource.repository("https://falcosecurity.github.io/charts", "falco", "9.0.*");
 * ChartSource.git("https://github.com/falcosecurity/charts.git", "falco-9.0.0", "charts/falco");
 * }</pre>
 */
public final class ChartSource {

    /** The kinds of source. */
    public enum Kind {
        /** A {@code .tgz} or chart directory on this machine. */
        LOCAL,
        /** An {@code http(s)://…/x.tgz}. */
        URL,
        /** A Helm chart in an OCI registry. */
        OCI,
        /** A chart of a Helm repository, found through its {@code index.yaml}. */
        REPOSITORY,
        /** A chart directory in a git repository. */
        GIT
    }

    private static final Pattern SHA256 = Pattern.compile("(?:sha256:)?[0-9a-f]{64}");
    private static final Pattern CHART_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

    private final Kind kind;
    private final Path path;
    private final URI uri;
    private final String sha256;
    private final OciReference ociReference;
    private final String name;
    private final VersionConstraint version;
    private final String gitRepository;
    private final String gitRef;
    private final String gitPath;

    private ChartSource(
            Kind kind,
            Path path,
            URI uri,
            String sha256,
            OciReference ociReference,
            String name,
            VersionConstraint version,
            String gitRepository,
            String gitRef,
            String gitPath) {
        this.kind = kind;
        this.path = path;
        this.uri = uri;
        this.sha256 = sha256;
        this.ociReference = ociReference;
        this.name = name;
        this.version = version;
        this.gitRepository = gitRepository;
        this.gitRef = gitRef;
        this.gitPath = gitPath;
    }

    /** A {@code .tgz} or chart directory on this machine. */
    public static ChartSource local(Path chart) {
        Objects.requireNonNull(chart, "chart");
        return new ChartSource(Kind.LOCAL, chart, null, null, null, null, null, null, null, null);
    }

    /**
     * A chart archive at an {@code http(s)} URL.
     *
     * @param sha256 the archive's expected SHA-256 ({@code sha256:<hex>} or {@code <hex>}), or null to take what the
     *     server sends
     * @throws InvalidRequestException naming {@code chart} or {@code chartSha256} when malformed
     */
    public static ChartSource url(String url, String sha256) {
        URI uri = httpUri(url, "chart");
        return new ChartSource(Kind.URL, null, uri, digest(sha256), null, null, null, null, null, null);
    }

    /**
     * A Helm chart in an OCI registry, {@code oci://host[:port]/path/name:version} (or {@code @sha256:…}).
     *
     * @throws InvalidRequestException naming {@code chart} when it is no such reference
     */
    public static ChartSource oci(String reference) {
        if (reference == null || !reference.startsWith("oci://")) {
            throw new InvalidRequestException(
                    "chart", "An OCI chart is written oci://host/path/name:version, got '" + reference + "'.");
        }
        OciReference parsed;
        try {
            parsed = OciReference.parse(reference.substring("oci://".length()));
        } catch (InvalidReferenceException e) {
            throw new InvalidRequestException("chart", "`chart` " + e.getMessage());
        }
        if (parsed.tag() == null && parsed.digest() == null) {
            throw new InvalidRequestException(
                    "chart",
                    "`chart` " + reference + " names no version: append it as a tag, e.g. " + reference + ":9.0.0.");
        }
        return new ChartSource(Kind.OCI, null, null, null, parsed, null, null, null, null, null);
    }

    /**
     * A chart of a Helm repository: the newest version satisfying {@code version} in the repository's
     * {@code index.yaml}.
     *
     * @param repositoryUrl the repository's base URL, e.g. {@code https://falcosecurity.github.io/charts}
     * @param chartName the chart's name in the index, e.g. {@code falco}
     * @param version an exact version or a constraint ({@code 9.0.*}, {@code ~9.0}, {@code >=9 <10}); null or
     *     blank for the newest release
     */
    public static ChartSource repository(String repositoryUrl, String chartName, String version) {
        URI uri = httpUri(stripTrailingSlash(repositoryUrl), "chartRepository");
        // index.yaml is fetched below the URL, and the URL is recorded in the annotations and the lock.
        RegistryParameters.requireNoQuery("chartRepository", repositoryUrl);
        if (chartName == null || !CHART_NAME.matcher(chartName).matches()) {
            throw new InvalidRequestException(
                    "chart",
                    "With `chartRepository`, `chart` is the chart's name in the repository (e.g. falco), got '"
                            + chartName + "'.");
        }
        return new ChartSource(
                Kind.REPOSITORY, null, uri, null, null, chartName, VersionConstraint.parse(version), null, null, null);
    }

    /**
     * A chart directory in a git repository.
     *
     * @param repository anything git clones from: {@code https://…}, {@code git://…}, {@code file://…} or a path
     * @param ref a tag, a branch or a commit id
     * @param chartPath the chart directory inside the repository, e.g. {@code charts/falco}; empty for the root
     */
    public static ChartSource git(String repository, String ref, String chartPath) {
        if (repository == null || repository.isBlank()) {
            throw new InvalidRequestException("chartGitRepository", "No git repository given.");
        }
        // JGit would send user-info as Basic credentials, over plain HTTP too, and it would be recorded in Chart.yaml.
        RegistryParameters.requireNoCredentials("chartGitRepository", repository);
        RegistryParameters.requireNoQuery("chartGitRepository", repository);
        if (ref == null || ref.isBlank() || ref.startsWith("-") || ref.contains("..")) {
            throw new InvalidRequestException(
                    "chartGitRef",
                    "`chartGitRef` must name a tag, a branch or a commit of " + repository + ", got '" + ref + "'.");
        }
        String cleanPath = chartPath == null ? "" : stripTrailingSlash(chartPath.strip());
        while (cleanPath.startsWith("/")) {
            cleanPath = cleanPath.substring(1);
        }
        for (String segment : cleanPath.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new InvalidRequestException(
                        "chartGitPath",
                        "`chartGitPath` must be a plain path inside the repository, got '" + chartPath + "'.");
            }
        }
        return new ChartSource(
                Kind.GIT, null, null, null, null, null, null, repository.strip(), ref.strip(), cleanPath);
    }

    /**
     * The source the plugin's parameters describe: {@code chartGitRepository} set means git, {@code chartRepository}
     * set means a Helm repository with {@code chart} as the chart name, otherwise {@code chart} is an
     * {@code http(s)} URL, an {@code oci://} reference or a local path (relative to {@code baseDirectory}).
     *
     * @throws InvalidRequestException naming the parameter that is missing or does not fit the others
     */
    public static ChartSource fromParameters(
            String chart,
            String chartSha256,
            String chartVersion,
            String chartRepository,
            String chartGitRepository,
            String chartGitRef,
            String chartGitPath,
            Path baseDirectory) {
        boolean hasVersion = chartVersion != null && !chartVersion.isBlank();
        if (chartGitRepository != null && !chartGitRepository.isBlank()) {
            if (chartRepository != null && !chartRepository.isBlank()) {
                throw new InvalidRequestException(
                        "chartRepository", "Set either `chartRepository` or `chartGitRepository`, not both.");
            }
            return git(chartGitRepository, chartGitRef, chartGitPath);
        }
        if (chart == null || chart.isBlank()) {
            throw new InvalidRequestException(
                    "chart",
                    "No chart given: set `chart` to a chart .tgz or directory, an https:// URL or an oci:// reference,"
                            + " or set `chartRepository` with `chart` as the chart name, or `chartGitRepository`.");
        }
        String given = chart.strip();
        if (chartRepository != null && !chartRepository.isBlank()) {
            return repository(chartRepository, given, chartVersion);
        }
        String lower = given.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            requireNoVersion(hasVersion, "an http(s) URL names one archive");
            return url(given, chartSha256);
        }
        if (chartSha256 != null && !chartSha256.isBlank()) {
            throw new InvalidRequestException(
                    "chartSha256", "`chartSha256` applies to an http(s) chart URL only; remove it.");
        }
        if (lower.startsWith("oci://")) {
            if (hasVersion) {
                String withVersion = given.contains("@") || given.lastIndexOf(':') > given.lastIndexOf('/')
                        ? given
                        : given + ":" + chartVersion.strip();
                return oci(withVersion);
            }
            return oci(given);
        }
        requireNoVersion(hasVersion, "a local chart is one version");
        Path path = Path.of(given);
        return local(baseDirectory == null ? path : baseDirectory.resolve(path));
    }

    public Kind kind() {
        return kind;
    }

    /** The local chart, for {@link Kind#LOCAL}. */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /** The archive URL ({@link Kind#URL}) or repository URL ({@link Kind#REPOSITORY}). */
    public Optional<URI> uri() {
        return Optional.ofNullable(uri);
    }

    /** The expected {@code sha256:<hex>} of a URL's archive, when given. */
    public Optional<String> sha256() {
        return Optional.ofNullable(sha256);
    }

    /** The OCI reference without {@code oci://}, for {@link Kind#OCI}. */
    public Optional<OciReference> ociReference() {
        return Optional.ofNullable(ociReference);
    }

    /** The chart name in a Helm repository. */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    /** The version or constraint asked of a Helm repository ({@code *} for the newest release). */
    public Optional<String> version() {
        return Optional.ofNullable(version).map(VersionConstraint::toString);
    }

    public Optional<String> gitRepository() {
        return Optional.ofNullable(gitRepository);
    }

    public Optional<String> gitRef() {
        return Optional.ofNullable(gitRef);
    }

    /** The chart directory inside the git repository; empty for its root. */
    public Optional<String> gitPath() {
        return Optional.ofNullable(gitPath);
    }

    /** The source as one line: a path, URL or reference, a repository with name and version, or a git location. */
    public String describe() {
        return switch (kind) {
            case LOCAL -> path.toString();
            case URL -> SafeText.urlWithoutSecrets(uri);
            case OCI -> "oci://" + ociReference;
            case REPOSITORY -> uri + " " + name + " " + version;
            case GIT -> gitRepository + " " + gitRef + (gitPath.isEmpty() ? "" : " " + gitPath);
        };
    }

    @Override
    public String toString() {
        return "ChartSource[" + kind + " " + describe() + "]";
    }

    private static URI httpUri(String text, String parameter) {
        try {
            URI uri = new URI(text == null ? "" : text.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new URISyntaxException(String.valueOf(text), "not an http(s) URL with a host");
            }
            if (uri.getRawUserInfo() != null) {
                throw new InvalidRequestException(
                        parameter,
                        "`" + parameter + "` must not carry credentials in the URL; put them in settings.xml as a "
                                + "<server> whose id is the host.");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidRequestException(
                    parameter,
                    "`" + parameter + "` must be an http(s) URL, got "
                            + SafeText.quote(String.valueOf(text).replaceAll("[?#].*", "?…")) + " ("
                            + e.getReason().replaceAll("[?#].*", "?…") + ").");
        }
    }

    private static String digest(String sha256) {
        if (sha256 == null || sha256.isBlank()) {
            return null;
        }
        String lower = sha256.strip().toLowerCase(Locale.ROOT);
        if (!SHA256.matcher(lower).matches()) {
            throw new InvalidRequestException(
                    "chartSha256",
                    "`chartSha256` must be 64 hex digits (optionally prefixed sha256:), got '" + sha256 + "'.");
        }
        return lower.startsWith("sha256:") ? lower : "sha256:" + lower;
    }

    private static void requireNoVersion(boolean hasVersion, String why) {
        if (hasVersion) {
            throw new InvalidRequestException(
                    "chartVersion",
                    "`chartVersion` applies to a Helm repository or an oci:// chart only (" + why + "); remove it.");
        }
    }

    private static String stripTrailingSlash(String text) {
        String result = text == null ? "" : text;
        while (result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }
}
