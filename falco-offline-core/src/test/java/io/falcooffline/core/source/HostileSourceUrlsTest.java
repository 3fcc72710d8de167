package io.falcooffline.core.source;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.falcooffline.core.ChartSource;
import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.SourceOptions;
import io.falcooffline.core.oci.registry.RegistryAccess;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Redirects and index entries that point outside HTTP(S) are refused naming the source and the fix. */
class HostileSourceUrlsTest {

    @TempDir
    Path temp;

    private HttpServer server;
    private volatile String target;
    private String base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/redirect.tgz", exchange -> {
            exchange.getResponseHeaders().add("Location", target);
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/index.yaml", exchange -> {
            byte[] body = ("apiVersion: v1\nentries:\n  evil:\n  - name: evil\n    version: 1.0.0\n    urls:\n    - '"
                            + target + "'\n")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void resolve(ChartSource source) {
        ChartSources.resolve(
                source,
                SourceOptions.builder().cacheDirectory(temp.resolve("cache")).build(),
                RegistryAccess.builder().build(),
                ProgressListener.SILENT);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "file:///etc/passwd",
                "ftp://127.0.0.1/chart.tgz",
                "jar:file:/tmp/x.jar!/chart.tgz",
                "jar:nothing"
            })
    void aRedirectOutOfHttpIsRefusedNamingTheUrlAndTheFix(String location) {
        target = location;

        assertThatThrownBy(() -> resolve(ChartSource.url(base + "/redirect.tgz", null)))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining(base + "/redirect.tgz")
                .hasMessageContaining("http(s)");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "file:///etc/passwd",
                "ftp://127.0.0.1/chart.tgz",
                "jar:file:/tmp/x.jar!/chart.tgz",
                "http://[broken/x.tgz"
            })
    void anIndexEntryUrlOutOfHttpIsRefusedNamingTheIndexAndTheFix(String url) {
        target = url;

        assertThatThrownBy(() -> resolve(ChartSource.repository(base, "evil", "1.0.0")))
                .isInstanceOf(FalcoOfflineException.class)
                .hasMessageContaining(base)
                .hasMessageContaining("evil 1.0.0")
                .hasMessageContaining("http(s)");
    }
}
