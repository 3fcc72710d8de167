package io.falcooffline.core.oci.registry;

import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RegistryException;
import io.falcooffline.core.io.BulkReads;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.VerifyingInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The upload half of {@link RegistryClient}. A small blob goes up in one buffered PUT; a larger one is streamed in one
 * monolithic PUT of known length, its source read, hashed and sent in a single pass, with its last bytes held back
 * until the digest and length are verified, so the registry can never commit other content. When asked (an
 * explicit {@link RegistryClientOptions#chunkSize()}) or after a streamed upload broke, blobs go in PATCH chunks that
 * resume from what the registry confirms it holds, committed only after the content was verified.
 */
final class BlobUploads {

    private static final Pattern UPLOAD_RANGE = Pattern.compile("(?:bytes=)?0-(\\d+)");
    /** Blobs up to this size are buffered, so their upload can be retried without reading the source again. */
    private static final int BUFFERED_LIMIT = 1024 * 1024;

    private final RegistryClient client;
    private final RegistryClientOptions options;
    private final ProgressListener listener;
    private final RegistryHttp http;
    /** Set once a streamed upload broke: from then on this registry gets resumable chunks. */
    private volatile boolean streamingFailed;

    BlobUploads(RegistryClient client, RegistryClientOptions options, ProgressListener listener, RegistryHttp http) {
        this.client = client;
        this.options = options;
        this.listener = listener;
        this.http = http;
    }

    /** Uploads a blob to a repository already checked against the repository grammar. */
    void push(String repo, Descriptor blob, InputStream content) {

        String subject = "blob " + repo + "@" + blob.digest();
        VerifyingInputStream verified =
                VerifyingInputStream.of(content, blob, "the content given to push as " + subject);
        if (!options.chunkedUploads() && !streamingFailed && blob.size() > BUFFERED_LIMIT) {
            pushStreamed(repo, blob, subject, verified);
            return;
        }
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

    private void pushStreamed(String repo, Descriptor blob, String subject, VerifyingInputStream verified) {
        URI location = startUpload(repo, subject);
        VerifiedBeforeLastBytes body = new VerifiedBeforeLastBytes(verified, blob.size());
        URI target = RegistryClient.withQuery(location, "digest=" + RegistryHttp.urlEncode(blob.digest()));
        RegistryHttp.Request request = RegistryHttp.Request.of("PUT", target, subject, RegistryClient.push(repo))
                .header("Content-Type", "application/octet-stream")
                .streamed(body, blob.size());
        RegistryException failure;
        try (RegistryHttp.Response response = http.execute(request)) {
            if (response.status() == 201) {
                client.checkReportedDigest(response, blob.digest(), subject);
                return;
            }
            failure = client.unexpected(response, request);
        } catch (RegistryException e) {
            failure = e;
        } catch (RuntimeException e) {
            cancel(location, subject);
            throw e;
        }
        cancel(location, subject);
        // The source's own failure (corrupt content, a source that stopped) explains more than the broken upload.
        body.rethrowSourceFailure();
        if (failure.statusCode() >= 400
                && failure.statusCode() < 500
                && failure.statusCode() != 401
                && failure.statusCode() != 408
                && failure.statusCode() != 413
                && failure.statusCode() != 429) {
            throw failure;
        }
        streamingFailed = true;
        listener.debug(client.describe() + ": streamed upload of " + subject + " broke (" + failure.getMessage()
                + "); uploading in chunks from now on");
        throw new UploadInterruptedException(failure);
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

    /**
     * Hands out a verifying stream's bytes but checks the digest and length before it gives away the last of them:
     * an upload that fails the check never delivers its final bytes, so the registry never commits it. A failure of
     * the source is kept, since the HTTP client reports only that the body failed.
     */
    private static final class VerifiedBeforeLastBytes extends FilterInputStream {
        private long remaining;
        private volatile RuntimeException sourceFailure;

        VerifiedBeforeLastBytes(VerifyingInputStream in, long size) {
            super(in);
            this.remaining = size;
        }

        @Override
        public int read() throws IOException {
            return BulkReads.read(this);
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            try {
                int n = in.read(buffer, offset, (int) Math.min(length, remaining));
                if (n > 0) {
                    remaining -= n;
                    if (remaining == 0 && in.read() >= 0) {
                        throw new IllegalStateException("Verifying stream passed its size");
                    }
                }
                return n;
            } catch (RuntimeException e) {
                sourceFailure = e;
                throw new IOException(e.getMessage(), e);
            } catch (IOException e) {
                sourceFailure = new RegistryException(0, "Reading the blob's source failed: " + e, e);
                throw e;
            }
        }

        void rethrowSourceFailure() {
            if (sourceFailure != null) {
                throw sourceFailure;
            }
        }
    }
}
