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
 * Where the chart to rewrite comes from: a local {@code .tgz} or directory ({@link Local}), an {@code http(s)} URL of
 * a {@code .tgz} ({@link Url}), an OCI reference ({@link Oci}), a chart of a Helm repository by name and version or
 * constraint ({@link Repository}), or a chart directory in a git repository at a tag, branch or commit
 * ({@link Git}). Each kind is an immutable record whose constructor checks its values; the factory methods take the
 * values as text.
 *
 * <pre>{@code
 * ChartSource.url("https://github.com/falcosecurity/charts/releases/download/falco-9.0.0/falco-9.0.0.tgz", null);
 * ChartSource.oci("oci://harbor.corp/charts/falco:9.0.0");
 * ChartSource.repository("https://falcosecurity.github.io/charts", "falco", "9.0.*");
 * ChartSource.git("https://github.com/falcosecurity/charts.git", "falco-9.0.0", "charts/falco");
 * }</pre>
 */
public sealed interface ChartSource
        permits ChartSource.Local, ChartSource.Url, ChartSource.Oci, ChartSource.Repository, ChartSource.Git {

    /**
     * The source as one line: a path, URL or reference, a repository with name and version, or a git location.
     *
     * @return the description, without credentials or query
     */
    String describe();

    /**
     * A {@code .tgz} or chart directory on this machine.
     *
     * @param path the archive or directory
     */
    record Local(Path path) implements ChartSource {

        /**
         * Checks the path is given.
         *
         * @param path the archive or directory
         */
        public Local {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String describe() {
            return path.toString();
        }
    }

    /**
     * A chart archive at an {@code http(s)} URL.
     *
     * @param uri the archive's URL, without credentials
     * @param sha256 the archive's expected digest, {@code sha256:<hex>}; empty to take what the server sends
     */
    record Url(URI uri, Optional<String> sha256) implements ChartSource {

        /**
         * Checks the URL and normalizes the digest to {@code sha256:<lower-case hex>}.
         *
         * @param uri an {@code http(s)} URL with a host and without credentials
         * @param sha256 {@code sha256:<hex>} or {@code <hex>} (64 digits), or empty
         * @throws InvalidRequestException naming {@code chart} or {@code chartSha256} when malformed
         */
        public Url {
            uri = httpUri(String.valueOf(uri), "chart");
            sha256 = Objects.requireNonNull(sha256, "sha256").map(ChartSource::digest);
        }

        @Override
        public String describe() {
            return SafeText.urlWithoutSecrets(uri);
        }
    }

    /**
     * A Helm chart in an OCI registry.
     *
     * @param reference the chart's reference without {@code oci://}, with a tag or digest
     */
    record Oci(OciReference reference) implements ChartSource {

        /**
         * Checks the reference names a version.
         *
         * @param reference the chart's reference, with a tag or digest
         * @throws InvalidRequestException naming {@code chart} when it has neither
         */
        public Oci {
            Objects.requireNonNull(reference, "reference");
            if (reference.tag() == null && reference.digest() == null) {
                throw new InvalidRequestException(
                        "chart",
                        "`chart` oci://" + reference + " names no version: append it as a tag, e.g. oci://" + reference
                                + ":9.0.0.");
            }
        }

        @Override
        public String describe() {
            return "oci://" + reference;
        }
    }

    /**
     * A chart of a Helm repository: the newest version satisfying {@code version} in the repository's
     * {@code index.yaml}.
     *
     * @param uri the repository's base URL, without a trailing slash
     * @param name the chart's name in the index, e.g. {@code falco}
     * @param version an exact version or a constraint ({@code 9.0.*}, {@code ~9.0}, {@code >=9 <10}); {@code *} for
     *     the newest release
     */
    record Repository(URI uri, String name, String version) implements ChartSource {

        private static final Pattern CHART_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

        /**
         * Checks the URL, name and constraint.
         *
         * @param uri an {@code http(s)} URL without credentials, query or fragment
         * @param name a chart name
         * @param version a version or constraint; null or blank for the newest release
         * @throws InvalidRequestException naming {@code chartRepository}, {@code chart} or {@code chartVersion}
         */
        public Repository {
            String text = stripTrailingSlash(String.valueOf(uri));
            uri = httpUri(text, "chartRepository");
            // index.yaml is fetched below the URL, and the URL is recorded in the annotations and the lock.
            RegistryParameters.requireNoQuery("chartRepository", text);
            if (name == null || !CHART_NAME.matcher(name).matches()) {
                throw new InvalidRequestException(
                        "chart",
                        "With `chartRepository`, `chart` is the chart's name in the repository (e.g. falco), got '"
                                + name + "'.");
            }
            version = VersionConstraint.parse(version).toString();
        }

        @Override
        public String describe() {
            return uri + " " + name + " " + version;
        }
    }

    /**
     * A chart directory in a git repository.
     *
     * @param repository anything git clones from: {@code https://…}, {@code git://…}, {@code file://…} or a path
     * @param ref a tag, a branch or a commit id
     * @param path the chart directory inside the repository, e.g. {@code charts/falco}; empty for the root
     */
    record Git(String repository, String ref, String path) implements ChartSource {

        /**
         * Checks the values and strips blanks and leading or trailing slashes of the path.
         *
         * @param repository a git URL or path without credentials, query or fragment
         * @param ref a tag, branch or commit id
         * @param path a plain path inside the repository, or null or empty for its root
         * @throws InvalidRequestException naming {@code chartGitRepository}, {@code chartGitRef} or
         *     {@code chartGitPath}
         */
        public Git {
            if (repository == null || repository.isBlank()) {
                throw new InvalidRequestException("chartGitRepository", "No git repository given.");
            }
            // JGit would send user-info as Basic credentials, over plain HTTP too, and it would be recorded.
            RegistryParameters.requireNoCredentials("chartGitRepository", repository);
            RegistryParameters.requireNoQuery("chartGitRepository", repository);
            if (ref == null || ref.isBlank() || ref.startsWith("-") || ref.contains("..")) {
                throw new InvalidRequestException(
                        "chartGitRef",
                        "`chartGitRef` must name a tag, a branch or a commit of " + repository + ", got '" + ref
                                + "'.");
            }
            String cleanPath = path == null ? "" : stripTrailingSlash(path.strip());
            while (cleanPath.startsWith("/")) {
                cleanPath = cleanPath.substring(1);
            }
            for (String segment : cleanPath.split("/")) {
                if (segment.equals("..") || segment.equals(".")) {
                    throw new InvalidRequestException(
                            "chartGitPath",
                            "`chartGitPath` must be a plain path inside the repository, got '" + path + "'.");
                }
            }
            repository = repository.strip();
            ref = ref.strip();
            path = cleanPath;
        }

        @Override
        public String describe() {
            return repository + " " + ref + (path.isEmpty() ? "" : " " + path);
        }
    }

    /**
     * A {@code .tgz} or chart directory on this machine.
     *
     * @param chart the archive or directory
     * @return the source
     */
    static Local local(Path chart) {
        return new Local(chart);
    }

    /**
     * A chart archive at an {@code http(s)} URL.
     *
     * @param url the archive's URL
     * @param sha256 the archive's expected SHA-256 ({@code sha256:<hex>} or {@code <hex>}), or null or blank to take
     *     what the server sends
     * @return the source
     * @throws InvalidRequestException naming {@code chart} or {@code chartSha256} when malformed
     */
    static Url url(String url, String sha256) {
        return new Url(httpUri(url, "chart"), Optional.ofNullable(sha256).filter(digest -> !digest.isBlank()));
    }

    /**
     * A Helm chart in an OCI registry.
     *
     * @param reference {@code oci://host[:port]/path/name:version} (or {@code @sha256:…})
     * @return the source
     * @throws InvalidRequestException naming {@code chart} when it is no such reference
     */
    static Oci oci(String reference) {
        if (reference == null || !reference.startsWith("oci://")) {
            throw new InvalidRequestException(
                    "chart", "An OCI chart is written oci://host/path/name:version, got '" + reference + "'.");
        }
        try {
            return new Oci(OciReference.parse(reference.substring("oci://".length())));
        } catch (InvalidReferenceException e) {
            throw new InvalidRequestException("chart", "`chart` " + e.getMessage());
        }
    }

    /**
     * A chart of a Helm repository: the newest version satisfying {@code version} in the repository's
     * {@code index.yaml}.
     *
     * @param repositoryUrl the repository's base URL, e.g. {@code https://falcosecurity.github.io/charts}
     * @param chartName the chart's name in the index, e.g. {@code falco}
     * @param version an exact version or a constraint ({@code 9.0.*}, {@code ~9.0}, {@code >=9 <10}); null or
     *     blank for the newest release
     * @return the source
     * @throws InvalidRequestException naming {@code chartRepository} or {@code chart} when malformed
     */
    static Repository repository(String repositoryUrl, String chartName, String version) {
        String url = stripTrailingSlash(repositoryUrl);
        URI uri = httpUri(url, "chartRepository");
        RegistryParameters.requireNoQuery("chartRepository", url);
        return new Repository(uri, chartName, version);
    }

    /**
     * A chart directory in a git repository.
     *
     * @param repository anything git clones from: {@code https://…}, {@code git://…}, {@code file://…} or a path
     * @param ref a tag, a branch or a commit id
     * @param chartPath the chart directory inside the repository, e.g. {@code charts/falco}; empty for the root
     * @return the source
     * @throws InvalidRequestException naming the parameter at fault
     */
    static Git git(String repository, String ref, String chartPath) {
        return new Git(repository, ref, chartPath);
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
        String lower = sha256.strip().toLowerCase(Locale.ROOT);
        if (!lower.matches("(?:sha256:)?[0-9a-f]{64}")) {
            throw new InvalidRequestException(
                    "chartSha256",
                    "`chartSha256` must be 64 hex digits (optionally prefixed sha256:), got '" + sha256 + "'.");
        }
        return lower.startsWith("sha256:") ? lower : "sha256:" + lower;
    }

    private static String stripTrailingSlash(String text) {
        String result = text == null ? "" : text;
        while (result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }
}
