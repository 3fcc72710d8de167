package io.falcooffline.core.oci.registry;

import io.falcooffline.core.ArtifactNotFoundException;
import io.falcooffline.core.DigestMismatchException;
import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RegistryException;
import io.falcooffline.core.io.BulkReads;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.ParallelWork;
import io.falcooffline.core.oci.RangedBlobSource;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The download half of {@link RegistryClient}: a blob as one stream that resumes with a {@code Range} request after
 * a broken connection, or written into a file as several ranges fetched at once.
 *
 * <p>A ranged fetch asks for its first range and learns from the answer whether the registry honours {@code Range}
 * (the distribution registry and the CDNs behind Docker Hub and ghcr.io do): a {@code 206} with the right {@code
 * Content-Range} starts the other ranges while the first one's body is read; a {@code 200} carries the whole blob,
 * which is written from that one answer, and the client stops asking for ranges.
 */
final class BlobDownloads {

    /**
     * Ranges are at most this long: long enough that a range's request round trip is a small part of its time (16 MiB
     * take half a second at 30 MiB/s, against a 40 ms round trip), short enough that the last range of a blob does
     * not keep the blob waiting long after the others ended.
     */
    static final long MAX_RANGE_BYTES = 16L * 1024 * 1024;
    /** Ranges are at least this long: 4 MiB still take 130 ms at 30 MiB/s, about three round trips of 40 ms. */
    static final long MIN_RANGE_BYTES = 4L * 1024 * 1024;
    /**
     * A blob is cut into this many ranges where they stay within the bounds above, so that a blob of a few tens of MiB
     * started late in a run ends in a fraction of the time one connection would take, instead of trailing the run.
     */
    private static final int RANGES_PER_BLOB = 4;

    /**
     * A registry whose quickest answer comes within this time is near (the same machine, network or cloud region):
     * one connection's TCP window carries more there than disks and cores move (Linux's default largest receive
     * window, 6 MiB, per 5 ms is 1.2 GiB/s), so ranges would add requests and, for a registry target, a spool file,
     * and gain nothing. On loopback a copy in ranges took 1.85 times as long as the same copy in whole blobs.
     */
    static final Duration NEAR = Duration.ofMillis(5);

    private static final int COPY_BUFFER = 256 * 1024;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final RegistryClient client;
    private final RegistryClientOptions options;
    private final ProgressListener listener;
    private final RegistryHttp http;
    /** Set once the registry answered a range with the whole blob. */
    private volatile boolean rangesIgnored;

    BlobDownloads(RegistryClient client, RegistryClientOptions options, ProgressListener listener, RegistryHttp http) {
        this.client = client;
        this.options = options;
        this.listener = listener;
        this.http = http;
    }

    /** How long the ranges of a blob of {@code size} bytes are. */
    static long rangeBytes(long size) {
        long share = (size + RANGES_PER_BLOB - 1) / RANGES_PER_BLOB;
        return Math.max(MIN_RANGE_BYTES, Math.min(MAX_RANGE_BYTES, share));
    }

    /** The blob's bytes as one stream, not yet verified; resumed at the byte it reached when it breaks. */
    InputStream stream(RegistryHttp.Request request, Descriptor blob) {
        return new ResumingBlobStream(request, blob, openFrom(request, blob, 0));
    }

    /** See {@link io.falcooffline.core.oci.RangedBlobSource#rangesPayOff}. */
    boolean rangesPayOff() {
        return !rangesIgnored
                && http.quickestAnswer()
                        .map(quickest -> quickest.compareTo(NEAR) >= 0)
                        .orElse(true);
    }

    /** See {@link io.falcooffline.core.oci.RangedBlobSource#fetchBlobInto}. */
    int fetchInto(RegistryHttp.Request request, Descriptor blob, RangedBlobSource.Sink sink, ParallelWork parallel) {
        List<Range> ranges = new ArrayList<>();
        long length = rangeBytes(blob.size());
        for (long start = 0; start < blob.size(); start += length) {
            ranges.add(new Range(start, Math.min(blob.size(), start + length) - 1));
        }
        if (ranges.isEmpty()) {
            return 1;
        }
        Range first = ranges.get(0);
        RegistryHttp.Response firstAnswer = http.execute(rangeRequest(request, first));
        try {
            if (firstAnswer.status() == 200) {
                rangesIgnored = true;
                listener.debug(client.describe() + " answered a range of " + request.subject()
                        + " with the whole blob: fetching its blobs whole from now on");
                checkWholeLength(firstAnswer, blob);
                readInto(request, blob, new Range(0, blob.size() - 1), firstAnswer, false, sink);
                return 1;
            }
            checkRangeAnswer(firstAnswer, request, blob, first);
            List<ParallelWork.Task> tasks = new ArrayList<>();
            tasks.add(() -> readInto(request, blob, first, firstAnswer, true, sink));
            for (Range range : ranges.subList(1, ranges.size())) {
                tasks.add(() -> readInto(request, blob, range, null, true, sink));
            }
            parallel.runAll(tasks);
            return ranges.size();
        } catch (IOException e) {
            throw new RegistryException(
                    0, "Fetching " + request.subject() + " from " + client.describe() + " failed: " + e, e);
        } finally {
            firstAnswer.close();
        }
    }

    /**
     * Writes one range into the file. A body that breaks is asked for again from the byte it reached (the whole blob
     * again when the registry ignores ranges), up to the client's attempts.
     *
     * @param opened the range's answer when already open, or null
     */
    private void readInto(
            RegistryHttp.Request request,
            Descriptor blob,
            Range range,
            RegistryHttp.Response opened,
            boolean ranged,
            RangedBlobSource.Sink sink)
            throws IOException {
        RegistryHttp.Response response = opened;
        long position = range.start();
        byte[] buffer = new byte[COPY_BUFFER];
        for (int attempt = 1; ; attempt++) {
            try {
                if (response == null) {
                    Range rest = new Range(position, range.end());
                    response = http.execute(rangeRequest(request, rest));
                    checkRangeAnswer(response, request, blob, rest);
                }
                InputStream body = response.body();
                while (position <= range.end()) {
                    int n = body.read(buffer, 0, (int) Math.min(buffer.length, range.end() + 1 - position));
                    if (n < 0) {
                        throw new EOFException("the answer ended at byte " + position + " of " + range);
                    }
                    try {
                        sink.write(buffer, n, position);
                    } catch (IOException e) {
                        // The disk, not the connection: not worth a retry.
                        throw new FalcoOfflineException(
                                "Writing " + request.subject() + " at byte " + position + " failed: " + e.getMessage(),
                                e);
                    }
                    position += n;
                }
                if (body.read() >= 0) {
                    throw new DigestMismatchException(
                            blob.digest(),
                            RegistryHttp.capitalized(client.describe()) + " sent more than " + range + " of blob "
                                    + blob.digest() + ": the registry holds other content under this digest.");
                }
                return;
            } catch (RuntimeException e) {
                if (response != null) {
                    response.close();
                }
                throw e;
            } catch (IOException e) {
                if (response != null) {
                    response.close();
                    response = null;
                }
                if (attempt >= options.maxAttempts()) {
                    throw new RegistryException(
                            0,
                            "Reading " + request.subject() + " (" + range + ") from " + client.describe()
                                    + " broke after " + (position - range.start()) + " of " + range.length()
                                    + " bytes, " + attempt + " times: " + e,
                            e);
                }
                http.brokenBody();
                listener.debug(client.describe() + ": " + request.subject() + " broke at byte " + position
                        + ", resuming (" + attempt + ")");
                if (!ranged) {
                    // A registry that ignores ranges can only send the whole blob again; its bytes overwrite.
                    position = range.start();
                    response = http.execute(request);
                    if (response.status() != 200) {
                        throw client.unexpected(response, request);
                    }
                    checkWholeLength(response, blob);
                }
            } finally {
                if (response != null && position > range.end()) {
                    response.close();
                }
            }
        }
    }

    private static RegistryHttp.Request rangeRequest(RegistryHttp.Request request, Range range) {
        return request.header("Range", "bytes=" + range.start() + "-" + range.end());
    }

    /** A range's answer must be a 206 for exactly the bytes asked, of a blob of the expected size. */
    private void checkRangeAnswer(
            RegistryHttp.Response response, RegistryHttp.Request request, Descriptor blob, Range range) {
        checkFound(response, request);
        if (response.status() != 206) {
            RegistryException failure = client.unexpected(response, request);
            response.close();
            throw failure;
        }
        Matcher contentRange = CONTENT_RANGE.matcher(
                response.header("Content-Range").orElse("").trim());
        boolean exact = contentRange.matches()
                && Long.parseLong(contentRange.group(1)) == range.start()
                && Long.parseLong(contentRange.group(2)) == range.end();
        OptionalLong length = response.headers().firstValueAsLong("Content-Length");
        if (!exact || (length.isPresent() && length.getAsLong() != range.length())) {
            response.close();
            throw new RegistryException(
                    206,
                    RegistryHttp.capitalized(client.describe()) + " answered " + range + " of " + request.subject()
                            + " with other bytes (Content-Range '"
                            + response.header("Content-Range").orElse("") + "')",
                    null);
        }
        if (!contentRange.group(3).equals("*") && Long.parseLong(contentRange.group(3)) != blob.size()) {
            response.close();
            throw wrongSize(blob, Long.parseLong(contentRange.group(3)));
        }
    }

    private void checkWholeLength(RegistryHttp.Response response, Descriptor blob) {
        OptionalLong length = response.headers().firstValueAsLong("Content-Length");
        if (length.isPresent() && length.getAsLong() != blob.size()) {
            response.close();
            throw wrongSize(blob, length.getAsLong());
        }
    }

    private void checkFound(RegistryHttp.Response response, RegistryHttp.Request request) {
        if (response.status() == 404) {
            throw new ArtifactNotFoundException("Blob " + request.subject().substring("blob ".length())
                    + " not found on " + client.describe() + http.errorSummary(response));
        }
    }

    private DigestMismatchException wrongSize(Descriptor blob, long size) {
        return new DigestMismatchException(
                blob.digest(),
                "Blob " + blob.digest() + " on " + client.describe() + " is " + size + " bytes long, expected "
                        + blob.size() + ": the registry holds other content under this digest, or the referring"
                        + " manifest is wrong.");
    }

    /** Opens the blob from {@code offset}: the whole blob at 0, the rest with a {@code Range} request otherwise. */
    private RegistryHttp.Response openFrom(RegistryHttp.Request request, Descriptor blob, long offset) {
        RegistryHttp.Request ranged = offset == 0 ? request : request.header("Range", "bytes=" + offset + "-");
        RegistryHttp.Response response = http.execute(ranged);
        checkFound(response, request);
        if (response.status() != (offset == 0 ? 200 : 206)) {
            throw client.unexpected(response, ranged);
        }
        if (offset > 0 && !response.header("Content-Range").orElse("").startsWith("bytes " + offset + "-")) {
            response.close();
            throw new RegistryException(
                    206,
                    RegistryHttp.capitalized(client.describe()) + " resumed " + request.subject()
                            + " at the wrong offset (asked for byte " + offset + ")",
                    null);
        }
        OptionalLong length = response.headers().firstValueAsLong("Content-Length");
        if (length.isPresent() && length.getAsLong() != blob.size() - offset) {
            response.close();
            throw wrongSize(blob, length.getAsLong() + offset);
        }
        return response;
    }

    /** Bytes {@code start} to {@code end} of a blob, both included, as in a {@code Range} header. */
    private record Range(long start, long end) {
        long length() {
            return end - start + 1;
        }

        @Override
        public String toString() {
            return "bytes " + start + "-" + end;
        }
    }

    /**
     * The blob body, reopened with a {@code Range} request after a broken connection, so a long download survives
     * a reset without starting over.
     */
    private final class ResumingBlobStream extends InputStream {
        private final RegistryHttp.Request request;
        private final Descriptor blob;
        private RegistryHttp.Response response;
        private long position;
        private int resumes;

        ResumingBlobStream(RegistryHttp.Request request, Descriptor blob, RegistryHttp.Response response) {
            this.request = request;
            this.blob = blob;
            this.response = response;
        }

        @Override
        public int read() throws IOException {
            return BulkReads.read(this);
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            while (true) {
                try {
                    int n = response.body().read(buffer, offset, length);
                    if (n > 0) {
                        position += n;
                    }
                    return n;
                } catch (IOException e) {
                    if (position >= blob.size() || resumes + 1 >= options.maxAttempts()) {
                        throw new RegistryException(
                                0,
                                "Reading " + request.subject() + " from " + client.describe() + " broke after "
                                        + position + " of " + blob.size() + " bytes: " + e,
                                e);
                    }
                    resumes++;
                    http.brokenBody();
                    listener.debug(client.describe() + ": " + request.subject() + " broke after " + position
                            + " bytes, resuming (" + resumes + ")");
                    response.close();
                    response = openFrom(request, blob, position);
                }
            }
        }

        @Override
        public void close() {
            response.close();
        }
    }
}
