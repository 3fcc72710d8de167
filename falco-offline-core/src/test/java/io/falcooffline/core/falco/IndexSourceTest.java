package io.falcooffline.core.falco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.testing.HostileFiles;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexSourceTest {

    private static final String INDEX =
            "- name: my-rules\n  type: rulesfile\n  registry: harbor.corp\n" + "  repository: rules/my-rules\n";

    @TempDir
    Path work;

    @Test
    void fetchesTheConfiguredIndexCachesItAndUsesTheCacheWhenItIsOutOfReach() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/index.yaml", exchange -> {
            byte[] body = INDEX.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/index.yaml";
        List<Map<String, Object>> configured = List.of(Map.of("name", "mine", "url", url));
        IndexSource source = new IndexSource(Optional.of(work.resolve("cache")));
        try {
            IndexSource.Chosen fetched = source.choose(Optional.empty(), configured, true);

            assertThat(fetched.origin()).isEqualTo(IndexSource.Origin.FETCHED);
            assertThat(fetched.description()).contains(url);
            assertThat(fetched.index().find("my-rules")).isPresent();
        } finally {
            server.stop(0);
        }

        IndexSource.Chosen cached = source.choose(Optional.empty(), configured, true);
        assertThat(cached.origin()).isEqualTo(IndexSource.Origin.CACHED);
        assertThat(cached.index().find("my-rules")).isPresent();

        IndexSource.Chosen offline =
                new IndexSource(Optional.of(work.resolve("empty-cache"))).choose(Optional.empty(), configured, true);
        assertThat(offline.origin()).isEqualTo(IndexSource.Origin.BUILT_IN);
        assertThat(offline.description()).contains(url).contains("`falcoctlIndex`");
        assertThat(offline.index().find("falco-rules")).isPresent();
    }

    @Test
    void theParameterWinsAndABadOneNamesIt() throws Exception {
        Path file = Files.writeString(work.resolve("index.yaml"), INDEX);
        IndexSource source = new IndexSource(Optional.empty());

        IndexSource.Chosen chosen = source.choose(
                Optional.of(file.toString()), List.of(Map.of("url", "https://example.invalid/index.yaml")), false);

        assertThat(chosen.origin()).isEqualTo(IndexSource.Origin.PARAMETER);
        assertThat(chosen.index().find("my-rules")).isPresent();
        assertThatThrownBy(() ->
                        source.choose(Optional.of(work.resolve("missing.yaml").toString()), List.of(), false))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("missing.yaml");
    }

    @Test
    void aLocalIndexThatLinksToDevZeroIsAPipeOrIsHugeIsRefusedBeforeItIsRead() throws Exception {
        IndexSource source = new IndexSource(Optional.empty());
        List<Path> hostile = List.of(
                HostileFiles.linkToDevZero(work.resolve("link/index.yaml")),
                HostileFiles.fifo(work.resolve("pipe/index.yaml")),
                HostileFiles.sparse(work.resolve("huge/index.yaml"), 3L << 30));
        for (Path file : hostile) {
            for (String location : List.of(file.toString(), file.toUri().toString())) {
                assertThatThrownBy(() -> source.choose(Optional.of(location), List.of(), false))
                        .isInstanceOf(InvalidRequestException.class)
                        .hasFieldOrPropertyWithValue("parameter", IndexSource.PARAMETER)
                        .hasMessageContaining(file.toString())
                        .hasMessageContaining("regular file");
            }
        }
    }

    @Test
    void aMalformedIndexLocationNamesTheParameterAndTheFix() {
        IndexSource source = new IndexSource(Optional.empty());
        for (String location : List.of(
                "file://elsewhere/index.yaml", "file:///tmp/%zz/index.yaml", "https://exa mple.com/index.yaml")) {
            assertThatThrownBy(() -> source.choose(Optional.of(location), List.of(), false))
                    .as(location)
                    .isInstanceOf(InvalidRequestException.class)
                    .hasFieldOrPropertyWithValue("parameter", IndexSource.PARAMETER)
                    .hasMessageContaining(location)
                    .hasMessageContaining("file path");
        }
    }

    @Test
    void withoutFetchingOnlyACachedCopyOrTheBuiltInSubsetIsUsed() {
        IndexSource.Chosen chosen = new IndexSource(Optional.of(work.resolve("cache")))
                .choose(Optional.empty(), List.of(Map.of("url", "http://127.0.0.1:9/index.yaml")), false);

        assertThat(chosen.origin()).isEqualTo(IndexSource.Origin.BUILT_IN);
        assertThat(chosen.description()).contains("does not reach upstream");
    }
}
