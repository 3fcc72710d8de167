package io.falcooffline.core.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PublishOptions;
import io.falcooffline.core.RepositoryLayout;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.render.TestCharts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A published chart is read back before it is reported, as {@code push} reads back what it pushed. */
class PublishedChartVerifiedTest {

    @TempDir
    Path temp;

    @Test
    void aRegistryThatAcceptsTheChartButStoresNothingFailsThePublication() throws IOException {
        HttpServer forgetful = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        forgetful.createContext("/", PublishedChartVerifiedTest::acceptAndForget);
        forgetful.start();
        String host = "127.0.0.1:" + forgetful.getAddress().getPort();
        List<String> log = new ArrayList<>();
        try {
            PackageRequest request = PackageRequest.builder()
                    .chart(TestCharts.lighthouse())
                    .registry(host)
                    .repositoryPrefix("charts")
                    .repositoryLayout(RepositoryLayout.FLATTEN)
                    .strict(false)
                    .outputDirectory(temp.resolve("out"))
                    .mirror(MirrorOptions.builder()
                            .insecureRegistries(List.of(host))
                            .build())
                    .publish(PublishOptions.builder().publishChart(true).build())
                    .build();

            assertThatThrownBy(() -> FalcoOffline.packageChart(request, (level, message) -> log.add(message)))
                    .isInstanceOf(FalcoOfflineException.class)
                    .hasMessageContaining("oci://" + host + "/charts/lighthouse:1.2.3")
                    .hasMessageContaining("does not resolve");
        } finally {
            forgetful.stop(0);
        }
        assertThat(log).noneMatch(line -> line.startsWith("Pushed the chart"));
        assertThat(temp.resolve("out/lighthouse-1.2.3.tgz")).doesNotExist();
    }

    /** Answers every write as a registry that stored it, and every read as one that has nothing. */
    private static void acceptAndForget(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String query = String.valueOf(exchange.getRequestURI().getQuery());
        if (method.equals("GET") && path.equals("/v2/")) {
            respond(exchange, 200, "{}");
        } else if (method.equals("POST") && path.endsWith("/blobs/uploads/")) {
            exchange.getResponseHeaders().add("Location", path + "session");
            respond(exchange, 202, "");
        } else if (method.equals("PATCH")) {
            exchange.getResponseHeaders().add("Location", path);
            exchange.getResponseHeaders().add("Range", "0-" + Math.max(0, body.length - 1));
            respond(exchange, 202, "");
        } else if (method.equals("PUT")) {
            String digest = query.startsWith("digest=") ? query.substring("digest=".length()) : Digests.sha256(body);
            exchange.getResponseHeaders().add("Docker-Content-Digest", digest);
            exchange.getResponseHeaders().add("Location", path);
            respond(exchange, 201, "");
        } else {
            respond(exchange, 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"unknown\"}]}");
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head || bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }
}
