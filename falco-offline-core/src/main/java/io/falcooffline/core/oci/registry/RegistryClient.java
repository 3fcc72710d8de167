package io.falcooffline.core.oci.registry;

import io.falcooffline.core.ArtifactNotFoundException;
import io.falcooffline.core.DigestMismatchException;
import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RegistryException;
import io.falcooffline.core.io.DaemonThreads;
import io.falcooffline.core.io.Json;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.MediaTypes;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.oci.ParallelWork;
import io.falcooffline.core.oci.RangedBlobSource;
import io.falcooffline.core.oci.VerifyingInputStream;
import io.falcooffline.core.plan.OciReference;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * An OCI distribution client for one registry: resolve, pull and push manifests and blobs, mount, list tags.
 *
 * <p>Every manifest and blob read is checked against the digest that was asked for, never against the registry's
 * {@code Docker-Content-Digest} alone; blobs stream through a verifying stream and uploads go in bounded chunks, so
 * memory stays flat whatever the blob size. A large blob can also be fetched as parallel {@code Range} requests
 * written by offset ({@link #fetchBlobInto}), for the caller to hash whole before it commits it. Transient failures (408, 429, 5xx, broken connections) are retried with
 * exponential backoff and a capped {@code Retry-After}; a registry that stops answering fails after the request
 * timeout; credentials are never sent over plain HTTP unless allowed, nor along a redirect to another host.
 *
 * <p>This client replaces oras-java 0.7.0, which checks blobs only against {@code Docker-Content-Digest} (not at all
 * when streaming), has neither retries nor request time-outs, and sends Basic credentials over plain HTTP unnoticed.
 *
 * <p>Instances are thread-safe; share one per registry and close it when done. Repository names given to Docker Hub
 * ({@code docker.io}) get the implicit {@code library/} prefix (see {@link RegistryHosts}).
 */
public final class RegistryClient implements OciStore, RangedBlobSource {

    /** The manifest media types this client asks for, most specific first. */
    public static final List<String> MANIFEST_MEDIA_TYPES = List.of(
            MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST_LIST, MediaTypes.DOCKER_MANIFEST);

    private static final String ACCEPT = String.join(", ", MANIFEST_MEDIA_TYPES);
    /** The most tags one repository's list may hold; artifact versions are chosen from far fewer. */
    static final int MAX_TAGS = 10_000;
    /** The most pages one tag listing follows: 10,000 tags at the 100 a page some registries cap {@code n} to. */
    static final int MAX_TAG_PAGES = 100;
    /** The largest page of a tag list read; 10,000 tags of 128 characters fit twice. */
    static final int TAG_PAGE_BYTES = 4 * 1024 * 1024;
    /** The most bytes all pages of one tag listing may have together. */
    static final int TAG_LIST_BYTES = 16 * 1024 * 1024;
    // distribution-spec repository name grammar.
    private static final Pattern REPOSITORY =
            Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]*)>\\s*;[^,]*rel=\"?next\"?");

    private final RegistryClientOptions options;
    private final ProgressListener listener;
    private final RegistryHttp http;
    private final BlobUploads uploads;
    private final BlobDownloads downloads;

    private static final AtomicBoolean WARMING_UP = new AtomicBoolean();

    /**
     * Builds and closes a client on a daemon thread, once per process, connecting nowhere: its classes and the JDK's
     * TLS stack and trust store load there (0.15 s for TLS alone on a quiet machine, the first time only), so that a
     * run which will reach registries and reads its chart meanwhile does not pay for them with its first client.
     */
    public static void warmUpInBackground() {
        if (WARMING_UP.compareAndSet(false, true)) {
            DaemonThreads.start("registry-client-warm-up", () -> {
                new RegistryClient(
                                RegistryClientOptions.builder("warm-up.invalid").build())
                        .close();
            });
        }
    }

    /**
     * Creates a client; no connection is made until the first call.
     *
     * @param options where the registry is and how to talk to it
     */
    public RegistryClient(RegistryClientOptions options) {
        this(options, ProgressListener.SILENT);
    }

    /**
     * Creates a client that reports each exchange and retry at DEBUG level.
     *
     * @param options where the registry is and how to talk to it
     * @param listener receives DEBUG messages; they never contain credentials, tokens or signed URLs
     * @throws io.falcooffline.core.InvalidRequestException when {@code caFile} cannot be read
     */
    public RegistryClient(RegistryClientOptions options, ProgressListener listener) {
        this.options = Objects.requireNonNull(options, "options");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.http = new RegistryHttp(options, listener);
        this.uploads = new BlobUploads(this, options, listener, http);
        this.downloads = new BlobDownloads(this, options, listener, http);
    }

    /** The options this client was made with. */
    public RegistryClientOptions options() {
        return options;
    }

    @Override
    public Optional<Descriptor> resolve(String repository, String reference) {
        String repo = repository(repository);
        reference(reference, repo);
        RegistryHttp.Request request = RegistryHttp.Request.of(
                        "HEAD", manifestUri(repo, reference), "manifest " + name(repo, reference), pull(repo))
                .header("Accept", ACCEPT)
                .followingRedirects();
        try (RegistryHttp.Response response = http.execute(request)) {
            if (response.status() == 404) {
                return Optional.empty();
            }
            if (response.status() != 200) {
                throw unexpected(response, request);
            }
            Optional<String> digest = response.header("Docker-Content-Digest").filter(Digests::isDigest);
            OptionalLong size = response.headers().firstValueAsLong("Content-Length");
            String mediaType = response.contentType();
            if (digest.isPresent() && size.isPresent() && isManifestType(mediaType)) {
                if (Digests.isDigest(reference) && !digest.get().equals(reference)) {
                    throw new DigestMismatchException(
                            reference,
                            "Manifest " + name(repo, reference) + " on " + describe() + " is reported as "
                                    + digest.get() + ", not the digest asked for");
                }
                return Optional.of(new Descriptor(mediaType, digest.get(), size.getAsLong()));
            }
        }
        // The registry's HEAD answer is incomplete: the manifest itself tells.
        try {
            return Optional.of(fetchManifest(repository, reference).descriptor());
        } catch (ArtifactNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public Manifest fetchManifest(String repository, String reference) {
        String repo = repository(repository);
        reference(reference, repo);
        String name = name(repo, reference);
        RegistryHttp.Request request = RegistryHttp.Request.of(
                        "GET", manifestUri(repo, reference), "manifest " + name, pull(repo))
                .header("Accept", ACCEPT)
                .followingRedirects();
        byte[] bytes;
        String contentType;
        Optional<String> reportedDigest;
        try (RegistryHttp.Response response = http.execute(request)) {
            if (response.status() == 404) {
                throw new ArtifactNotFoundException("Manifest " + name + " not found on " + describe()
                        + http.errorSummary(response) + ". Check the repository and the tag or digest.");
            }
            if (response.status() != 200) {
                throw unexpected(response, request);
            }
            contentType = response.contentType();
            reportedDigest = response.header("Docker-Content-Digest");
            bytes = response.readBody(Manifest.MAX_BYTES);
        } catch (IOException e) {
            throw new RegistryException(
                    0, "Reading manifest " + name + " from " + describe() + " failed: " + e.getMessage(), e);
        }
        String expected;
        if (Digests.isDigest(reference)) {
            expected = reference;
        } else if (reportedDigest.isPresent() && Digests.isDigest(reportedDigest.get())) {
            expected = reportedDigest.get();
        } else {
            expected = Digests.sha256(bytes);
        }
        String actual = digestOf(bytes, expected);
        if (!actual.equals(expected)) {
            throw new DigestMismatchException(
                    expected,
                    "Manifest " + name + " from " + describe() + " is corrupt: expected " + expected
                            + " but its bytes hash to " + actual + ". Retry; if it persists, the registry holds "
                            + "damaged content.");
        }
        String mediaType = isManifestType(contentType) ? contentType : mediaTypeField(bytes, name);
        return new Manifest(new Descriptor(mediaType, expected, bytes.length), bytes);
    }

    @Override
    public InputStream fetchBlob(String repository, Descriptor blob) {
        String repo = repository(repository);
        return new VerifyingInputStream(
                downloads.stream(blobRequest(repo, blob), blob), blob, describe() + " repository " + repo);
    }

    @Override
    public int fetchBlobInto(String repository, Descriptor blob, Sink sink, ParallelWork parallel) {
        String repo = repository(repository);
        return downloads.fetchInto(blobRequest(repo, blob), blob, sink, parallel);
    }

    @Override
    public boolean rangesPayOff() {
        return downloads.rangesPayOff();
    }

    @Override
    public long transientFailures() {
        return http.transientFailures();
    }

    private RegistryHttp.Request blobRequest(String repo, Descriptor blob) {
        return RegistryHttp.Request.of(
                        "GET", blobUri(repo, blob.digest()), "blob " + repo + "@" + blob.digest(), pull(repo))
                .followingRedirects();
    }

    @Override
    public boolean hasBlob(String repository, Descriptor blob) {
        String repo = repository(repository);
        RegistryHttp.Request request = RegistryHttp.Request.of(
                        "HEAD", blobUri(repo, blob.digest()), "blob " + repo + "@" + blob.digest(), pull(repo))
                .followingRedirects();
        try (RegistryHttp.Response response = http.execute(request)) {
            if (response.status() == 200) {
                return true;
            }
            if (response.status() == 404) {
                return false;
            }
            throw unexpected(response, request);
        }
    }

    @Override
    public void pushBlob(String repository, Descriptor blob, InputStream content) {
        uploads.push(repository(repository), blob, content);
    }

    @Override
    public boolean mountBlob(String repository, Descriptor blob, String fromRepository) {
        String repo = repository(repository);
        String from = repository(fromRepository);
        String subject = "blob " + repo + "@" + blob.digest() + " mounted from " + from;
        List<String> scopes = new ArrayList<>(push(repo));
        if (!from.equals(repo)) {
            scopes.addAll(pull(from));
        }
        RegistryHttp.Request request = RegistryHttp.Request.of(
                "POST",
                uploadsUri(
                        repo,
                        "?mount=" + RegistryHttp.urlEncode(blob.digest()) + "&from=" + RegistryHttp.urlEncode(from)),
                subject,
                scopes);
        try (RegistryHttp.Response response = http.execute(request)) {
            if (response.status() == 201) {
                return true;
            }
            if (response.status() == 202) {
                // "Upload instead": the registry opened a session we will not use.
                uploads.cancel(location(response, request), subject);
                return false;
            }
            listener.debug(describe() + ": mount of " + subject + " refused with " + response.status()
                    + http.errorSummary(response));
            return false;
        }
    }

    @Override
    public void pushManifest(String repository, String reference, Manifest manifest) {
        String repo = repository(repository);
        reference(reference, repo);
        Descriptor descriptor = manifest.descriptor();
        if (Digests.isDigest(reference) && !reference.equals(descriptor.digest())) {
            throw new IllegalArgumentException(
                    "Manifest " + descriptor.digest() + " cannot be stored under the digest " + reference);
        }
        String subject = "manifest " + name(repo, reference);
        byte[] bytes = manifest.bytes();
        RegistryHttp.Request request = RegistryHttp.Request.of("PUT", manifestUri(repo, reference), subject, push(repo))
                .header("Content-Type", descriptor.mediaType())
                .body(bytes, 0, bytes.length);
        try (RegistryHttp.Response response = http.execute(request)) {
            if (response.status() != 201) {
                throw unexpected(response, request);
            }
            checkReportedDigest(response, descriptor.digest(), subject);
        }
    }

    /** All tags, following next-page links; refused past {@value #MAX_TAGS} tags or the page and byte bounds. */
    @Override
    public List<String> listTags(String repository) {
        String repo = repository(repository);
        List<String> tags = new ArrayList<>();
        Set<URI> seen = new HashSet<>();
        long bytesRead = 0;
        URI page = http.base().resolve("v2/" + repo + "/tags/list?n=" + options.tagPageSize());
        for (int pages = 0; page != null; pages++) {
            if (!seen.add(page)) {
                throw new RegistryException(
                        200,
                        "Listing the tags of " + repo + " on " + describe() + " does not end: the registry's "
                                + "next-page links repeat (" + RegistryHttp.withoutQuery(page) + ")",
                        null);
            }
            if (pages >= MAX_TAG_PAGES) {
                throw tagListTooLong(repo, "more than " + MAX_TAG_PAGES + " pages");
            }
            RegistryHttp.Request request = RegistryHttp.Request.of("GET", page, "tag list of " + repo, pull(repo))
                    .followingRedirects();
            try (RegistryHttp.Response response = http.execute(request)) {
                if (response.status() == 404) {
                    return List.copyOf(tags);
                }
                if (response.status() != 200) {
                    throw unexpected(response, request);
                }
                long pageLimit = Math.min(TAG_PAGE_BYTES, TAG_LIST_BYTES - bytesRead);
                // Checked before reading when the registry declares the length, and while reading otherwise.
                long declared =
                        response.headers().firstValueAsLong("Content-Length").orElse(-1);
                byte[] body = declared > pageLimit ? null : response.body().readNBytes((int) pageLimit + 1);
                if (body == null || body.length > pageLimit) {
                    throw tagListTooLong(
                            repo,
                            pageLimit == TAG_PAGE_BYTES
                                    ? "a page of more than " + pageLimit + " bytes"
                                    : "more than " + TAG_LIST_BYTES + " bytes in all pages");
                }
                bytesRead += body.length;
                for (JsonNode tag : Json.MAPPER.readTree(body).path("tags")) {
                    if (tags.size() >= MAX_TAGS) {
                        throw tagListTooLong(repo, "more than " + MAX_TAGS + " tags");
                    }
                    tags.add(tag.asString());
                }
                page = response.headers().allValues("Link").stream()
                        .map(NEXT_LINK::matcher)
                        .filter(Matcher::find)
                        .map(m -> response.uri().resolve(m.group(1)))
                        .findFirst()
                        .orElse(null);
            } catch (IOException | JacksonException | IllegalArgumentException e) {
                throw new RegistryException(
                        200,
                        "Reading the tag list of " + repo + " from " + describe() + " failed: " + e.getMessage(),
                        e);
            }
        }
        return List.copyOf(tags);
    }

    private RegistryException tagListTooLong(String repo, String what) {
        return new RegistryException(
                200,
                "The tag list of " + repo + " on " + describe() + " has " + what + "; falco-offline reads at most "
                        + MAX_TAGS + " tags in " + MAX_TAG_PAGES + " pages of " + TAG_PAGE_BYTES + " bytes ("
                        + TAG_LIST_BYTES + " bytes in all). Pin the version (a tag or digest) instead of letting it"
                        + " be chosen from the tag list, or mirror from a registry whose listing ends.",
                null);
    }

    @Override
    public String describe() {
        return http.description();
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "RegistryClient[" + describe() + "]";
    }

    private String repository(String repository) {
        Objects.requireNonNull(repository, "repository");
        String normalized = OciReference.normalizeRepository(options.host(), repository);
        if (!REPOSITORY.matcher(normalized).matches()) {
            throw new FalcoOfflineException(
                    "Invalid repository name '" + repository + "' for " + describe() + ": use lower-case path "
                            + "components of letters and digits joined by '.', '_', '__' or '-', separated by '/'");
        }
        return normalized;
    }

    private void reference(String reference, String repo) {
        Objects.requireNonNull(reference, "reference");
        if (!Digests.isDigest(reference) && !TAG.matcher(reference).matches()) {
            throw new FalcoOfflineException(
                    "Invalid reference '" + reference + "' for " + repo + " on " + describe() + ": a tag is up to "
                            + "128 letters, digits, '_', '.' and '-' (not starting with '.' or '-'), a digest is "
                            + "sha256:<64 hex digits>");
        }
    }

    private static String name(String repo, String reference) {
        return repo + (Digests.isDigest(reference) ? "@" : ":") + reference;
    }

    private URI manifestUri(String repo, String reference) {
        return http.base().resolve("v2/" + repo + "/manifests/" + reference);
    }

    private URI blobUri(String repo, String digest) {
        return http.base().resolve("v2/" + repo + "/blobs/" + digest);
    }

    URI uploadsUri(String repo, String query) {
        return http.base().resolve("v2/" + repo + "/blobs/uploads/" + query);
    }

    private static List<String> pull(String repo) {
        return List.of("repository:" + repo + ":pull");
    }

    static List<String> push(String repo) {
        return List.of("repository:" + repo + ":pull,push");
    }

    URI location(RegistryHttp.Response response, RegistryHttp.Request request) {
        String location = response.header("Location")
                .orElseThrow(() -> new RegistryException(
                        response.status(),
                        RegistryHttp.capitalized(describe()) + " answered " + request.summary()
                                + " without a Location header",
                        null));
        return response.uri().resolve(location);
    }

    static URI withQuery(URI uri, String query) {
        return URI.create(uri + (uri.getRawQuery() == null ? "?" : "&") + query);
    }

    void checkReportedDigest(RegistryHttp.Response response, String expected, String subject) {
        Optional<String> reported = response.header("Docker-Content-Digest");
        if (reported.isPresent()
                && Digests.isDigest(reported.get())
                && !reported.get().equals(expected)) {
            throw new DigestMismatchException(
                    expected,
                    RegistryHttp.capitalized(describe()) + " stored " + subject + " as " + reported.get()
                            + " instead of " + expected + ": it altered the content");
        }
    }

    private static boolean isManifestType(String mediaType) {
        return !mediaType.isEmpty()
                && !mediaType.equals("application/json")
                && !mediaType.equals("application/octet-stream")
                && !mediaType.startsWith("text/");
    }

    private String mediaTypeField(byte[] bytes, String name) {
        try {
            String mediaType = Json.MAPPER.readTree(bytes).path("mediaType").asString("");
            if (!mediaType.isEmpty()) {
                return mediaType;
            }
        } catch (JacksonException e) {
            // Reported below.
        }
        throw new RegistryException(
                200,
                "Manifest " + name + " from " + describe() + " has neither a media type header nor a mediaType "
                        + "field",
                null);
    }

    private static String digestOf(byte[] bytes, String like) {
        return Digests.algorithm(like) + ":"
                + java.util.HexFormat.of()
                        .formatHex(Digests.newMessageDigest(like).digest(bytes));
    }

    static int readFully(InputStream in, byte[] buffer, String subject) {
        int total = 0;
        try {
            while (total < buffer.length) {
                int n = in.read(buffer, total, buffer.length - total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
        } catch (IOException e) {
            throw new FalcoOfflineException("Reading the content to push as " + subject + " failed: " + e, e);
        }
        return total;
    }

    static void expectEnd(VerifyingInputStream verified, String subject) {
        try {
            if (verified.read() >= 0) {
                throw new IllegalStateException("Verifying stream delivered bytes past its size");
            }
        } catch (IOException e) {
            throw new FalcoOfflineException("Reading the content to push as " + subject + " failed: " + e, e);
        }
    }

    RegistryException unexpected(RegistryHttp.Response response, RegistryHttp.Request request) {
        int status = response.status();
        String detail = http.errorSummary(response);
        String hint = switch (status) {
            case 400 -> " The registry refused the content as invalid.";
            case 403 -> " The credentials lack permission for this repository.";
            case 404 -> " The repository or upload does not exist.";
            case 405 -> " The registry does not allow this operation (read-only, or a pull-through cache?).";
            case 413 -> " The registry or a proxy in front of it limits the request size; lower chunkSize.";
            default -> "";
        };
        return new RegistryException(
                status,
                RegistryHttp.capitalized(describe()) + " answered " + status + detail + " to " + request.summary() + "."
                        + hint,
                null);
    }
}
