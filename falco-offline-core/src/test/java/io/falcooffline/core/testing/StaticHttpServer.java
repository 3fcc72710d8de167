package io.falcooffline.core.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on localhost serving the files of a directory, as a Helm repository or chart download site
 * does; it records the paths asked for. Start with {@link #serve(Path)}, stop with {@link #close()}.
 */
public final class StaticHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final Path root;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final String authorization;

    private StaticHttpServer(Path root, String authorization) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.authorization = authorization;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Serves {@code root} on a free port. */
    public static StaticHttpServer serve(Path root) {
        return start(root, null);
    }

    /** Serves {@code root} on a free port to clients that send these Basic credentials; others get 401. */
    public static StaticHttpServer serveWithBasicAuth(Path root, String user, String password) {
        return start(
                root,
                "Basic "
                        + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    private static StaticHttpServer start(Path root, String authorization) {
        try {
            return new StaticHttpServer(root, authorization);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URL, without a trailing slash, e.g. {@code http://127.0.0.1:41234}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The paths asked for so far, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        requests.add(path);
        Path file = root.resolve(path.substring(1)).normalize();
        try (exchange) {
            if (authorization != null
                    && !authorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"charts\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            // Streamed, so large files (a 20 MiB index, a sparse file past a bound) cost no heap.
            exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, Files.size(file));
            try (OutputStream out = exchange.getResponseBody()) {
                Files.copy(file, out);
            } catch (IOException e) {
                // The client stopped reading, e.g. past its size bound.
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
