package io.falcooffline.core.mirror.oci;

import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RegistryException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The upload half of {@link RegistryClient}: a blob goes up in one PUT when it fits in a chunk, otherwise in PATCH
 * chunks that resume from what the registry confirms it holds, and the upload is committed only after the content's
 * digest and length were verified.
 */
final class BlobUploads {

    private static final Pattern UPLOAD_RANGE = Pattern.compile("(?:bytes=)?0-(\\d+)");

    private final RegistryClient client;
    private final RegistryClientOptions options;
    private final ProgressListener listener;
    private final RegistryHttp http;

    BlobUploads(RegistryClient client, RegistryClientOptions options, ProgressListener listener, RegistryHttp http) {
        this.client = client;
        this.options = options;
        this.listener = listener;
        this.http = http;
    }

    /** Uploads a blob to a repository already checked against the repository grammar. */
    void push(String repo, Descriptor blob, InputStream content) {

        String subject = "blob " + repo + "@" + blob.digest();
        // A blob copied from another store arrives already verified against the same descriptor: hash it once.
        VerifyingInputStream verified =
                content instanceof VerifyingInputStream stream && stream.isUnreadVerifierOf(blob)
                        ? stream
                        : new VerifyingInputStream(content, blob, "the content given to push as " + subject);
        if (blob.size() <= options.chunkSize()) {
            byte[] bytes = new byte[(int) blob.size()];
            int n = RegistryClient.readFully(verified, bytes, subject);
            RegistryClient.expectEnd(verified, subject);
            URI location = startUpload(repo, subject);
            try {
                finishUpload(repo, blob, subject, location, bytes, n);
            } catch (RuntimeException e) {
                cancel(location, subject);
                throw e;
            }
            return;
        }
        URI location = startUpload(repo, subject);
        try {
            byte[] buffer = new byte[options.chunkSize()];
            long offset = 0;
            while (offset < blob.size()) {
                int n = RegistryClient.readFully(verified, buffer, subject);
                if (n == 0) {
                    throw new IllegalStateException("Verifying stream ended before its size");
                }
                location = uploadChunk(repo, subject, location, buffer, n, offset);
                offset += n;
            }
            // Verifies digest and length before the upload is committed.
            RegistryClient.expectEnd(verified, subject);
            finishUpload(repo, blob, subject, location, null, 0);
        } catch (RuntimeException e) {
            cancel(location, subject);
            throw e;
        }
    }

    private URI startUpload(String repo, String subject) {
        RegistryHttp.Request request = RegistryHttp.Request.of(
                "POST", client.uploadsUri(repo, ""), "upload start for " + subject, RegistryClient.push(repo));
        try (RegistryHttp.Response response = http.execute(request)) {
            if (response.status() != 202) {
                throw client.unexpected(response, request);
            }
            return client.location(response, request);
        }
    }

    private URI uploadChunk(String repo, String subject, URI location, byte[] buffer, int length, long offset) {
        int confirmed = 0;
        URI current = location;
        for (int round = 1; ; round++) {
            long start = offset + confirmed;
            long end = offset + length - 1;
            RegistryHttp.Request request = RegistryHttp.Request.of(
                            "PATCH", current, subject + " (bytes " + start + "-" + end + ")", RegistryClient.push(repo))
                    .header("Content-Type", "application/octet-stream")
                    .header("Content-Range", start + "-" + end)
                    .body(buffer, confirmed, length - confirmed);
            try (RegistryHttp.Response response = http.execute(request)) {
                if (response.status() == 202) {
                    return client.location(response, request);
                }
                if (response.status() != 416 || round >= options.maxAttempts()) {
                    throw client.unexpected(response, request);
                }
            }
            // A retried chunk may have arrived in part or in full: continue from what the registry holds.
            UploadStatus status = uploadStatus(repo, subject, current);
            if (status.received() == offset + length) {
                return status.location();
            }
            if (status.received() < offset || status.received() > offset + length) {
                throw new RegistryException(
                        416,
                        "Upload of " + subject + " to " + client.describe() + " lost its place: the registry holds "
                                + status.received() + " bytes, expected between " + offset + " and "
                                + (offset + length) + ". Run again.",
                        null);
            }
            confirmed = (int) (status.received() - offset);
            current = status.location();
        }
    }

    private record UploadStatus(URI location, long received) {}

    private UploadStatus uploadStatus(String repo, String subject, URI location) {
        RegistryHttp.Request request =
                RegistryHttp.Request.of("GET", location, "upload status of " + subject, RegistryClient.push(repo));
        try (RegistryHttp.Response response = http.execute(request)) {
            if (response.status() != 204) {
                throw client.unexpected(response, request);
            }
            long received = response.header("Range")
                    .map(UPLOAD_RANGE::matcher)
                    .filter(Matcher::matches)
                    .map(m -> Long.parseLong(m.group(1)) + 1)
                    .orElse(0L);
            URI next = response.header("Location").isPresent() ? client.location(response, request) : location;
            return new UploadStatus(next, received);
        }
    }

    private void finishUpload(String repo, Descriptor blob, String subject, URI location, byte[] body, int length) {
        URI target = RegistryClient.withQuery(location, "digest=" + RegistryHttp.urlEncode(blob.digest()));
        RegistryHttp.Request request = RegistryHttp.Request.of("PUT", target, subject, RegistryClient.push(repo))
                .header("Content-Type", "application/octet-stream");
        if (body != null) {
            request = request.body(body, 0, length);
        }
        try (RegistryHttp.Response response = http.execute(request)) {
            if (response.status() == 201) {
                client.checkReportedDigest(response, blob.digest(), subject);
                return;
            }
            // A retried PUT whose first attempt succeeded finds its session gone; the blob is what counts.
            if (response.status() == 404 && client.hasBlob(repo, blob)) {
                return;
            }
            throw client.unexpected(response, request);
        }
    }

    void cancel(URI location, String subject) {
        try (RegistryHttp.Response ignored =
                http.execute(RegistryHttp.Request.of("DELETE", location, "upload cancel for " + subject, List.of()))) {
            listener.debug(client.describe() + ": cancelled the upload of " + subject);
        } catch (RuntimeException e) {
            // The registry purges abandoned uploads itself; the original failure is what matters.
            listener.debug(client.describe() + ": could not cancel the upload of " + subject + ": " + e.getMessage());
        }
    }
}
