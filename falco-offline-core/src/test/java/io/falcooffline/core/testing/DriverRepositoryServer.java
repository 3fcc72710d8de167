package io.falcooffline.core.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on the loopback interface laid out as Falco's driver repository
 * ({@code https://download.falco.org/driver}): {@code /driver/<driver version>/<arch>/falco_<target>_<release>_<version>.ko}.
 * A directory path ending in {@code /} answers an HTML listing of its files, as an autoindex does, unless listings
 * are off; {@link #redirectingTo} sends every file request elsewhere. It records the paths asked for.
 */
public final class DriverRepositoryServer implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile boolean listings = true;
    private volatile URI redirect;

    private DriverRepositoryServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts an empty repository on a free port. */
    public static DriverRepositoryServer start() {
        try {
            return new DriverRepositoryServer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The repository's base URL, as {@code driverRepository} takes it: {@code http://127.0.0.1:<port>/driver}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/driver");
    }

    /** Publishes a driver in the upstream layout. */
    public DriverRepositoryServer put(String driverVersion, String architecture, String fileName, byte[] content) {
        files.put("/driver/" + driverVersion + "/" + architecture + "/" + fileName, content);
        return this;
    }

    /** Answers 404 for directories, as a bucket without listing does. */
    public DriverRepositoryServer withoutListings() {
        listings = false;
        return this;
    }

    /** Answers every request with a 302 to the same path under {@code base}. */
    public DriverRepositoryServer redirectingTo(URI base) {
        redirect = base;
        return this;
    }

    /** The paths asked for so far, decoded, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = URLDecoder.decode(exchange.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
        requests.add(path);
        try (exchange) {
            if (redirect != null) {
                exchange.getResponseHeaders()
                        .add("Location", redirect + exchange.getRequestURI().getRawPath());
                exchange.sendResponseHeaders(302, -1);
                return;
            }
            byte[] body = files.get(path);
            if (body == null && path.endsWith("/") && listings) {
                body = listing(path);
            }
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private byte[] listing(String directory) {
        Map<String, byte[]> below = new TreeMap<>();
        files.forEach((path, content) -> {
            if (path.startsWith(directory)
                    && !path.substring(directory.length()).contains("/")) {
                below.put(path.substring(directory.length()), content);
            }
        });
        StringBuilder html = new StringBuilder("<html><body><h1>Index of " + directory + "</h1><pre>\n");
        below.keySet()
                .forEach(name -> html.append("<a href=\"")
                        .append(name)
                        .append("\">")
                        .append(name)
                        .append("</a>\n"));
        html.append("</pre></body></html>\n");
        return html.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
