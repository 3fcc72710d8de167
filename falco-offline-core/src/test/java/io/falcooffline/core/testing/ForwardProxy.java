package io.falcooffline.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP forward proxy on a loopback port, as a corporate build machine sees one: plain-HTTP requests in
 * absolute form are forwarded, {@code CONNECT} opens a tunnel, and with {@link #requireLogin} every request needs
 * Basic {@code Proxy-Authorization} (else {@code 407}). Host names resolve only through {@link #resolve}: the proxy
 * knows {@code registry.upstream.test}, the machine itself does not, so a client that bypasses the proxy fails with
 * an unknown host. Every connection and request is recorded.
 *
 * <p>Each forwarded plain-HTTP request gets {@code Connection: close} towards the upstream, and its response towards
 * the client, so one client connection carries one request and the proxy reads no more of a response than its head.
 */
public final class ForwardProxy implements AutoCloseable {

    /** Headers about the one connection they come on, which this proxy sets itself. */
    private static final List<String> HOP_BY_HOP = List.of("proxy-connection", "connection", "keep-alive");

    private final ServerSocket server;
    private final Map<String, String> hosts = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> proxyAuthorizations = new CopyOnWriteArrayList<>();
    private final List<String> serverAuthorizations = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile String expectedAuthorization;

    private ForwardProxy(ServerSocket server) {
        this.server = server;
        SocketAcceptor.start(
                server,
                "forward-proxy",
                client -> {
                    connections.incrementAndGet();
                    open.add(client);
                },
                this::handle);
    }

    /** Starts a proxy on a free loopback port. */
    public static ForwardProxy start() {
        try {
            return new ForwardProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lets the proxy (and only the proxy) resolve {@code name} to {@code address}. */
    public ForwardProxy resolve(String name, String address) {
        hosts.put(name.toLowerCase(Locale.ROOT), address);
        return this;
    }

    /** Requires Basic {@code Proxy-Authorization} with this login on every request. */
    public ForwardProxy requireLogin(String user, String password) {
        expectedAuthorization =
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** The port it listens on (on 127.0.0.1). */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>}, as {@code HTTPS_PROXY} names it. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** How many connections clients opened to the proxy. */
    public int connections() {
        return connections.get();
    }

    /** Every request line received: {@code CONNECT host:port} or {@code GET http://…}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** Every {@code Proxy-Authorization} value received. */
    public List<String> proxyAuthorizations() {
        return List.copyOf(proxyAuthorizations);
    }

    /** Every {@code Authorization} value of a forwarded plain-HTTP request (meant for the server, not the proxy). */
    public List<String> serverAuthorizations() {
        return List.copyOf(serverAuthorizations);
    }

    private void handle(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            List<String> head = readHead(in);
            if (head.isEmpty()) {
                return;
            }
            String requestLine = head.get(0);
            requests.add(requestLine.substring(0, requestLine.lastIndexOf(' ')));
            String authorization = header(head, "Proxy-Authorization");
            if (authorization != null) {
                proxyAuthorizations.add(authorization);
            }
            String serverAuthorization = header(head, "Authorization");
            if (serverAuthorization != null) {
                serverAuthorizations.add(serverAuthorization);
            }
            String expected = expectedAuthorization;
            if (expected != null && !expected.equals(authorization)) {
                answer(out, "407 Proxy Authentication Required", "Proxy-Authenticate: Basic realm=\"corporate\"\r\n");
                return;
            }
            String[] parts = requestLine.split(" ");
            if (parts[0].equals("CONNECT")) {
                tunnel(parts[1], in, out);
            } else {
                forward(parts, head, in, out);
            }
        } catch (IOException e) {
            // The client or the upstream went away.
        }
    }

    private void tunnel(String authority, InputStream in, OutputStream out) throws IOException {
        Socket upstream = connect(authority);
        if (upstream == null) {
            answer(out, "502 Bad Gateway", "");
            return;
        }
        try (upstream) {
            open.add(upstream);
            out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            pipe(in, upstream.getOutputStream(), upstream);
            upstream.getInputStream().transferTo(out);
        }
    }

    private void forward(String[] requestLine, List<String> head, InputStream in, OutputStream out) throws IOException {
        URI target = URI.create(requestLine[1]);
        int port = target.getPort() < 0 ? 80 : target.getPort();
        Socket upstream = connect(target.getHost() + ":" + port);
        if (upstream == null) {
            answer(out, "502 Bad Gateway", "");
            return;
        }
        try (upstream) {
            open.add(upstream);
            StringBuilder request = new StringBuilder();
            String path = target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery());
            request.append(requestLine[0])
                    .append(' ')
                    .append(path)
                    .append(' ')
                    .append(requestLine[2])
                    .append("\r\n");
            for (String line : head.subList(1, head.size())) {
                String name = nameOf(line);
                if (!name.equals("proxy-authorization") && !HOP_BY_HOP.contains(name)) {
                    request.append(line).append("\r\n");
                }
            }
            request.append("Connection: close\r\n\r\n");
            OutputStream toUpstream = upstream.getOutputStream();
            toUpstream.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            toUpstream.flush();
            pipe(in, toUpstream, upstream);
            InputStream fromUpstream = upstream.getInputStream();
            out.write(withConnectionClose(readHead(fromUpstream)).getBytes(StandardCharsets.ISO_8859_1));
            fromUpstream.transferTo(out);
        }
    }

    /**
     * The response head as the client gets it: saying that the connection closes after it, as this proxy closes it,
     * so that the client does not send its next request (a JGit {@code POST}, which is not retried) on a connection
     * already gone.
     */
    private static String withConnectionClose(List<String> head) {
        StringBuilder response = new StringBuilder();
        for (String line : head) {
            if (!HOP_BY_HOP.contains(nameOf(line))) {
                response.append(line).append("\r\n");
            }
        }
        return response.append("Connection: close\r\nProxy-Connection: close\r\n\r\n")
                .toString();
    }

    /** Copies the client's further bytes (a request body) to the upstream on a thread of its own. */
    private static void pipe(InputStream from, OutputStream to, Socket upstream) {
        Thread copier = new Thread(
                () -> {
                    try {
                        from.transferTo(to);
                        upstream.shutdownOutput();
                    } catch (IOException e) {
                        // One side closed.
                    }
                },
                "forward-proxy-pipe");
        copier.setDaemon(true);
        copier.start();
    }

    private Socket connect(String authority) {
        int colon = authority.lastIndexOf(':');
        String host = authority.substring(0, colon).toLowerCase(Locale.ROOT);
        int port = Integer.parseInt(authority.substring(colon + 1));
        String address = hosts.get(host);
        if (address == null && !host.matches("[0-9.]+")) {
            return null;
        }
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(address == null ? host : address, port), 5000);
            return socket;
        } catch (IOException e) {
            return null;
        }
    }

    private static void answer(OutputStream out, String status, String headers) throws IOException {
        out.write(("HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String header(List<String> head, String name) {
        for (String line : head.subList(1, head.size())) {
            if (!name.isEmpty() && nameOf(line).equals(name.toLowerCase(Locale.ROOT))) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        return null;
    }

    /** The name of a header line, lower case; empty for a line without one (the request or status line). */
    private static String nameOf(String line) {
        return line.substring(0, Math.max(0, line.indexOf(':'))).strip().toLowerCase(Locale.ROOT);
    }

    /** The request line and headers, read byte by byte so that no body byte is consumed. */
    private static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1).stripTrailing();
                line.reset();
                if (text.isEmpty()) {
                    return lines;
                }
                lines.add(text);
            } else if (line.size() < 64 * 1024) {
                line.write(b);
            }
        }
        return List.of();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // Closing anyway.
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
    }
}
