package io.falcooffline.core.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * Git's smart HTTP protocol on a loopback port: each request runs git's own CGI program, {@code git http-backend},
 * over every repository below a directory, read only. Close it to stop the server.
 */
public final class GitSmartHttp implements AutoCloseable {

    private final HttpServer server;
    private final Path projectRoot;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private GitSmartHttp(HttpServer server, Path projectRoot) {
        this.server = server;
        this.projectRoot = projectRoot;
    }

    public static GitSmartHttp serve(Path projectRoot) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            GitSmartHttp git = new GitSmartHttp(server, projectRoot);
            server.createContext("/", git::handle);
            server.setExecutor(Executors.newCachedThreadPool(runnable -> {
                Thread thread = new Thread(runnable, "git-smart-http");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            return git;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URL of a repository below the root, e.g. {@code http://127.0.0.1:41234/repository.git}. */
    public String url(String repository) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + repository;
    }

    /** {@code GET /repository.git/info/refs?service=git-upload-pack} and the like, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String query = exchange.getRequestURI().getRawQuery();
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            ProcessBuilder cgi = new ProcessBuilder("git", "http-backend");
            Map<String, String> environment = cgi.environment();
            environment.put("GIT_PROJECT_ROOT", projectRoot.toString());
            environment.put("GIT_HTTP_EXPORT_ALL", "1");
            environment.put("GATEWAY_INTERFACE", "CGI/1.1");
            environment.put("SERVER_PROTOCOL", "HTTP/1.1");
            environment.put("REMOTE_ADDR", "127.0.0.1");
            environment.put("REQUEST_METHOD", exchange.getRequestMethod());
            environment.put("PATH_INFO", exchange.getRequestURI().getRawPath());
            environment.put("QUERY_STRING", query == null ? "" : query);
            environment.put("CONTENT_LENGTH", Integer.toString(body.length));
            passHeader(exchange, "Content-Type", "CONTENT_TYPE", environment);
            passHeader(exchange, "Content-Encoding", "HTTP_CONTENT_ENCODING", environment);
            passHeader(exchange, "Git-Protocol", "GIT_PROTOCOL", environment);
            Process process = cgi.redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(body);
            }
            byte[] output;
            try (InputStream out = process.getInputStream()) {
                output = out.readAllBytes();
            }
            respond(exchange, output);
        }
    }

    private static void passHeader(HttpExchange exchange, String header, String variable, Map<String, String> env) {
        String value = exchange.getRequestHeaders().getFirst(header);
        if (value != null) {
            env.put(variable, value);
        }
    }

    /** Sends a CGI response: header lines up to an empty line (a {@code Status:} line sets the code), then the body. */
    private static void respond(HttpExchange exchange, byte[] output) throws IOException {
        int status = 200;
        int position = 0;
        while (position < output.length) {
            int end = position;
            while (end < output.length && output[end] != '\n') {
                end++;
            }
            String line = new String(output, position, end - position, StandardCharsets.ISO_8859_1).strip();
            position = Math.min(end + 1, output.length);
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            String name = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (name.equalsIgnoreCase("Status")) {
                status = Integer.parseInt(value.split(" ")[0]);
            } else {
                exchange.getResponseHeaders().add(name, value);
            }
        }
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        rest.write(output, position, output.length - position);
        exchange.sendResponseHeaders(status, rest.size() == 0 ? -1 : rest.size());
        if (rest.size() > 0) {
            try (OutputStream response = exchange.getResponseBody()) {
                rest.writeTo(response);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
