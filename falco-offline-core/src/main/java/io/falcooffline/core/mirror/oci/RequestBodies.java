package io.falcooffline.core.mirror.oci;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.time.Duration;

/** How a {@link RegistryHttp.Request}'s body is sent, and how long its answer may take. */
final class RequestBodies {

    private static final int SMALL_BODY = 64 * 1024;
    /** Bytes per second: a streamed upload slower than this on average times out. */
    private static final long SLOWEST_UPLOAD_RATE = 1024 * 1024;

    private RequestBodies() {}

    /**
     * How long to wait for the answer: for a streamed body the answer comes only after the whole body, so the wait
     * grows with its length at the slowest rate still accepted.
     */
    static Duration timeout(RegistryHttp.Request request, Duration requestTimeout) {
        return request.isOneShot()
                ? requestTimeout.plusSeconds(request.streamLength() / SLOWEST_UPLOAD_RATE)
                : requestTimeout;
    }

    static HttpRequest.BodyPublisher publisher(RegistryHttp.Request request) {
        if (request.isOneShot()) {
            return HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(request::stream), request.streamLength());
        }
        if (request.body() == null) {
            return HttpRequest.BodyPublishers.noBody();
        }
        if (request.bodyLength() <= SMALL_BODY) {
            return HttpRequest.BodyPublishers.ofByteArray(request.body(), request.bodyOffset(), request.bodyLength());
        }
        // ofByteArray copies the whole range up front; streaming it keeps one copy of a chunk in memory.
        return HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(request.body(), request.bodyOffset(), request.bodyLength())),
                request.bodyLength());
    }
}
