package io.falcooffline.core.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A small HTTP/1.1 proxy in front of a plain-HTTP registry that injects faults into matching requests: drop the
 * connection, stall before or in the middle of a response, answer a status (503, 429 with {@code Retry-After}, …) a
 * number of times, answer a canned response, or corrupt a response body with or without its {@code
 * Docker-Content-Digest} header. Requests that no fault matches pass through unchanged.
 *
 * <p>Each connection carries one request ({@code Connection: close}), so faults map one-to-one to requests. The
 * {@code Host} header is passed on, so the registry's upload {@code Location}s point back at the proxy.
 *
 * <p>It can also stand in front of a registry the way Harbor's nginx does ({@link #startTls}): HTTPS outside,
 * {@code X-Forwarded-Proto: https} to the registry, some path prefixes sent to another server ({@link #route}) or
 * answered in Java ({@link #handle}).
 */
public final class FaultProxy implements AutoCloseable {

    /**
     * A round trip across the internet, well above what a registry client counts as near: with it, large blobs come in
     * ranges.
     */
    public static final Duration ACROSS_THE_INTERNET = Duration.ofMillis(20);

    private final ServerSocket server;
    private final boolean tls;
    private volatile InetSocketAddress upstream;
    private final Map<String, InetSocketAddress> routes = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Handler> handlers = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread acceptor;
    /** Bytes per second each connection's response body may carry; 0 for no limit. */
    private volatile long bytesPerSecondPerConnection;

    private volatile boolean ignoreRanges;
    /** How long each answer is held back, as the round trip to a registry across a wide-area link. */
    private volatile Duration roundTrip = Duration.ZERO;

    private FaultProxy(ServerSocket server, InetSocketAddress upstream) {
        this.server = server;
        this.tls = server instanceof javax.net.ssl.SSLServerSocket;
        this.upstream = upstream;
        this.acceptor = SocketAcceptor.start(server, "fault-proxy", open::add, this::serve);
    }

    /**
     * Starts a proxy on a free loopback port.
     *
     * @param upstreamHost the registry as {@code host:port}, plain HTTP
     */
    public static FaultProxy start(String upstreamHost) {
        try {
            return new FaultProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), address(upstreamHost));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a proxy serving HTTPS with these certificates on a free loopback port; set where it forwards with
     * {@link #forwardTo} once the registry behind it runs (its token realm names this proxy).
     */
    public static FaultProxy startTls(TestCertificates certificates) {
        try {
            return new FaultProxy(
                    certificates
                            .serverSslContext()
                            .getServerSocketFactory()
                            .createServerSocket(0, 50, InetAddress.getLoopbackAddress()),
                    null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Forwards requests that no route or handler takes to this plain-HTTP {@code host:port}. */
    public FaultProxy forwardTo(String upstreamHost) {
        this.upstream = address(upstreamHost);
        return this;
    }

    /** Forwards requests whose path starts with {@code pathPrefix} to another plain-HTTP {@code host:port}. */
    public FaultProxy route(String pathPrefix, String upstreamHost) {
        routes.put(pathPrefix, address(upstreamHost));
        return this;
    }

    /** Answers requests whose path starts with {@code pathPrefix} in Java. */
    public FaultProxy handle(String pathPrefix, Handler handler) {
        handlers.put(pathPrefix, handler);
        return this;
    }

    /** Answers one request in Java. */
    @FunctionalInterface
    public interface Handler {
        /** The answer to a request. */
        Answer answer(Exchange request) throws IOException;
    }

    /**
     * A request as received.
     *
     * @param method e.g. {@code HEAD}
     * @param target path and query, raw
     * @param headers header lines, {@code Name: value}
     * @param body the body
     */
    public record Exchange(String method, String target, List<String> headers, byte[] body) {
        /** A header's value, or null. */
        public String header(String name) {
            return new RequestHead(method, target, "HTTP/1.1", headers).header(name);
        }
    }

    /** A response: status, headers and body. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {
        /** A JSON answer. */
        public static Answer json(int status, String json) {
            return new Answer(
                    status, Map.of("Content-Type", "application/json"), json.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static InetSocketAddress address(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        return new InetSocketAddress(
                hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)));
    }

    private <T> T byPrefix(Map<String, T> byPath, String target) {
        return byPath.entrySet().stream()
                .filter(entry -> target.startsWith(entry.getKey()))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    /** {@code 127.0.0.1:<port>}, to give a client instead of the registry's address. */
    public String host() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Adds a fault; faults are tried in the order added. */
    public FaultProxy inject(Fault fault) {
        faults.add(fault);
        return this;
    }

    /**
     * Limits every response body to {@code bytesPerSecond} per connection, as a path across the internet does where
     * one connection carries less than the link; 0 lifts the limit.
     */
    public FaultProxy throttlePerConnection(long bytesPerSecond) {
        this.bytesPerSecondPerConnection = bytesPerSecond;
        return this;
    }

    /**
     * Holds every answer back by {@code roundTrip}, so that the registry looks as far away as one across the
     * internet, where clients fetch large blobs in ranges.
     */
    public FaultProxy roundTrip(Duration roundTrip) {
        this.roundTrip = roundTrip;
        return this;
    }

    /** Drops the {@code Range} header of requests, so the registry answers with whole blobs, as some servers do. */
    public FaultProxy ignoreRanges(boolean ignore) {
        this.ignoreRanges = ignore;
        return this;
    }

    /** Removes all faults and forgets the recorded requests. */
    public void reset() {
        faults.clear();
        requests.clear();
    }

    /** Every request seen, as {@code METHOD /path?query}, in arrival order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** How many requests matched a method and a path pattern (searched in the path and query). */
    public long count(String method, String pathPattern) {
        Pattern pattern = Pattern.compile(pathPattern);
        return requests.stream()
                .filter(r -> r.startsWith(method + " ")
                        && pattern.matcher(r.substring(method.length() + 1)).find())
                .count();
    }

    @Override
    public void close() {
        closed.countDown();
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            RequestHead head = RequestHead.read(in);
            if (head == null) {
                return;
            }
            Fault fault = faults.stream()
                    .filter(f -> f.claim(head.method, head.target))
                    .findFirst()
                    .orElse(null);
            Action action = fault == null ? Action.PASS : fault.action;
            if (action == Action.STOP_READING) {
                requests.add(head.method + " " + head.target);
                closed.await(fault.duration.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            byte[] body = readBody(in, head);
            requests.add(head.method + " " + head.target);
            if (!roundTrip.isZero()) {
                closed.await(roundTrip.toMillis(), TimeUnit.MILLISECONDS);
            }
            switch (action) {
                case DROP -> {
                    return;
                }
                case STALL -> {
                    closed.await(fault.duration.toMillis(), TimeUnit.MILLISECONDS);
                    return;
                }
                case RESPOND -> {
                    out.write(fault.response(head.method));
                    out.flush();
                    return;
                }
                default -> {
                    Handler handler = byPrefix(handlers, head.target);
                    if (handler != null) {
                        Answer answer = handler.answer(new Exchange(head.method, head.target, head.headers, body));
                        Fault response =
                                Fault.respond(head.method, "", answer.status(), answer.headers(), answer.body(), 1);
                        out.write(response.response(head.method));
                        out.flush();
                        return;
                    }
                    forward(head, body, out, fault);
                }
            }
        } catch (IOException e) {
            // The client or registry went away; nothing to report.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(client);
        }
    }

    private void forward(RequestHead head, byte[] body, OutputStream out, Fault fault)
            throws IOException, InterruptedException {
        InetSocketAddress route = byPrefix(routes, head.target);
        try (Socket registry = new Socket()) {
            registry.connect(route != null ? route : upstream, 5000);
            OutputStream up = registry.getOutputStream();
            up.write(head.rewrite(tls, ignoreRanges));
            up.write(body);
            up.flush();
            InputStream down = new BufferedInputStream(registry.getInputStream());
            List<String> lines = readHeadLines(down);
            if (lines.isEmpty()) {
                return;
            }
            StringBuilder response = new StringBuilder(lines.get(0)).append("\r\n");
            for (String line : lines.subList(1, lines.size())) {
                String name =
                        line.substring(0, Math.max(0, line.indexOf(':'))).trim().toLowerCase(Locale.ROOT);
                if (name.equals("connection")) {
                    continue;
                }
                if (name.equals("docker-content-digest")
                        && fault != null
                        && fault.action == Action.CORRUPT
                        && !fault.keepDigestHeader) {
                    continue;
                }
                response.append(line).append("\r\n");
            }
            response.append("Connection: close\r\n\r\n");
            out.write(response.toString().getBytes(StandardCharsets.ISO_8859_1));
            byte[] buffer = new byte[8192];
            long sent = 0;
            boolean corrupted = false;
            long limit = bytesPerSecondPerConnection;
            long bodyStart = System.nanoTime();
            int n;
            while ((n = down.read(buffer)) >= 0) {
                if (limit > 0) {
                    // Sleeps until the bytes sent so far are due at the limit: the rate holds on average.
                    long dueNanos = sent * 1_000_000_000L / limit - (System.nanoTime() - bodyStart);
                    if (dueNanos > 0) {
                        Thread.sleep(dueNanos / 1_000_000, (int) (dueNanos % 1_000_000));
                    }
                }
                if (fault != null && fault.action == Action.CORRUPT && !corrupted && n > 0) {
                    buffer[n / 2] ^= (byte) 0x5a;
                    corrupted = true;
                }
                if (fault != null && fault.action == Action.STALL_BODY && sent + n > fault.bytes) {
                    int part = (int) Math.max(0, fault.bytes - sent);
                    out.write(buffer, 0, part);
                    out.flush();
                    closed.await(fault.duration.toMillis(), TimeUnit.MILLISECONDS);
                    return;
                }
                if (fault != null && fault.action == Action.TRUNCATE_BODY && sent + n > fault.bytes) {
                    out.write(buffer, 0, (int) Math.max(0, fault.bytes - sent));
                    out.flush();
                    return;
                }
                out.write(buffer, 0, n);
                sent += n;
            }
            out.flush();
        }
    }

    private static byte[] readBody(InputStream in, RequestHead head) throws IOException {
        String length = head.header("content-length");
        if (length != null) {
            return in.readNBytes(Integer.parseInt(length.trim()));
        }
        if ("chunked".equalsIgnoreCase(head.header("transfer-encoding"))) {
            // Forward the chunked framing as received.
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in);
                raw.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    String trailer;
                    while (!(trailer = readLine(in)).isEmpty()) {
                        raw.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    }
                    raw.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    return raw.toByteArray();
                }
                raw.write(in.readNBytes(size));
                raw.write((readLine(in) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return new byte[0];
    }

    private static List<String> readHeadLines(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            lines.add(line);
        }
        return lines;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        if (c < 0 && line.size() == 0) {
            return null;
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
    }

    private record RequestHead(String method, String target, String version, List<String> headers) {
        static RequestHead read(InputStream in) throws IOException {
            List<String> lines = readHeadLines(in);
            if (lines.isEmpty()) {
                return null;
            }
            String[] parts = lines.get(0).split(" ");
            return new RequestHead(parts[0], parts[1], parts[2], lines.subList(1, lines.size()));
        }

        String header(String name) {
            for (String line : headers) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        byte[] rewrite(boolean tls, boolean dropRange) {
            StringBuilder text = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
            for (String line : headers) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (!lower.startsWith("connection:") && !(dropRange && lower.startsWith("range:"))) {
                    text.append(line).append("\r\n");
                }
            }
            if (tls) {
                // As Harbor's nginx does: the registry builds its upload Locations with this scheme.
                text.append("X-Forwarded-Proto: https\r\n");
            }
            text.append("Connection: close\r\n\r\n");
            return text.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private enum Action {
        PASS,
        DROP,
        STALL,
        STOP_READING,
        STALL_BODY,
        TRUNCATE_BODY,
        RESPOND,
        CORRUPT
    }

    /**
     * A fault for requests whose method matches and whose path (with query) contains a match of a pattern. It
     * applies to the next {@code times} matching requests, then lets them pass.
     */
    public static final class Fault {
        private final String method;
        private final Pattern path;
        private final Action action;
        private final AtomicInteger remaining;
        private Duration duration = Duration.ofMinutes(5);
        private long bytes;
        private boolean keepDigestHeader;
        private int status;
        private Map<String, String> headers = Map.of();
        private byte[] body = new byte[0];

        private Fault(String method, String pathPattern, Action action, int times) {
            this.method = method;
            this.path = Pattern.compile(pathPattern);
            this.action = action;
            this.remaining = new AtomicInteger(times);
        }

        /** Closes the connection after reading the request, without answering. */
        public static Fault dropConnection(String method, String pathPattern, int times) {
            return new Fault(method, pathPattern, Action.DROP, times);
        }

        /** Reads the request and answers nothing for {@code duration} (then closes). */
        public static Fault stall(String method, String pathPattern, Duration duration, int times) {
            Fault fault = new Fault(method, pathPattern, Action.STALL, times);
            fault.duration = duration;
            return fault;
        }

        /** Reads the request head, then reads nothing more and answers nothing for {@code duration} (then closes). */
        public static Fault stopReading(String method, String pathPattern, Duration duration, int times) {
            Fault fault = new Fault(method, pathPattern, Action.STOP_READING, times);
            fault.duration = duration;
            return fault;
        }

        /** Forwards the response headers and the first {@code bytes} bytes, then stalls for {@code duration}. */
        public static Fault stallBody(String method, String pathPattern, long bytes, Duration duration, int times) {
            Fault fault = new Fault(method, pathPattern, Action.STALL_BODY, times);
            fault.bytes = bytes;
            fault.duration = duration;
            return fault;
        }

        /** Forwards the response headers and the first {@code bytes} bytes, then closes the connection. */
        public static Fault truncateBody(String method, String pathPattern, long bytes, int times) {
            Fault fault = new Fault(method, pathPattern, Action.TRUNCATE_BODY, times);
            fault.bytes = bytes;
            return fault;
        }

        /** Answers an error status with an OCI error body. */
        public static Fault status(String method, String pathPattern, int status, int times) {
            return respond(
                    method,
                    pathPattern,
                    status,
                    Map.of("Content-Type", "application/json"),
                    ("{\"errors\":[{\"code\":\"INJECTED\",\"message\":\"injected " + status + "\"}]}")
                            .getBytes(StandardCharsets.UTF_8),
                    times);
        }

        /** Answers 429 Too Many Requests with a {@code Retry-After} value. */
        public static Fault tooManyRequests(String method, String pathPattern, String retryAfter, int times) {
            return respond(
                    method,
                    pathPattern,
                    429,
                    Map.of("Content-Type", "application/json", "Retry-After", retryAfter),
                    "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}"
                            .getBytes(StandardCharsets.UTF_8),
                    times);
        }

        /** Answers a canned response. */
        public static Fault respond(
                String method, String pathPattern, int status, Map<String, String> headers, byte[] body, int times) {
            Fault fault = new Fault(method, pathPattern, Action.RESPOND, times);
            fault.status = status;
            fault.headers = Map.copyOf(headers);
            fault.body = body.clone();
            return fault;
        }

        /** Forwards the response but flips bits in its body; keeps or removes {@code Docker-Content-Digest}. */
        public static Fault corruptBody(String method, String pathPattern, boolean keepDigestHeader, int times) {
            Fault fault = new Fault(method, pathPattern, Action.CORRUPT, times);
            fault.keepDigestHeader = keepDigestHeader;
            return fault;
        }

        /** How many more requests this fault will hit. */
        public int remaining() {
            return Math.max(0, remaining.get());
        }

        boolean claim(String requestMethod, String target) {
            if (!method.equals(requestMethod) || !path.matcher(target).find()) {
                return false;
            }
            return remaining.getAndDecrement() > 0;
        }

        byte[] response(String requestMethod) {
            StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " Injected\r\n");
            headers.forEach((name, value) ->
                    head.append(name).append(": ").append(value).append("\r\n"));
            head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
            byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
            if (requestMethod.equals("HEAD")) {
                return headBytes;
            }
            byte[] all = new byte[headBytes.length + body.length];
            System.arraycopy(headBytes, 0, all, 0, headBytes.length);
            System.arraycopy(body, 0, all, headBytes.length, body.length);
            return all;
        }
    }
}
