package io.falcooffline.core.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.falcooffline.core.RegistryException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A hostile registry's tag list is read within a bound on tags, pages and bytes, and refused past it. */
@Timeout(60)
class TagListBoundsTest {

    private static final String REPOSITORY = "falcosecurity/plugins/plugin/k8saudit";

    private HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger bytesSent = new AtomicInteger();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** Serves page {@code n} (0-based) of the tag list; each page links to the next, never the same twice. */
    private RegistryClient serveEndless(IntFunction<String> tagsOfPage) throws IOException {
        return serve(tagsOfPage, Integer.MAX_VALUE);
    }

    /** Serves pages 0 to {@code lastPage} of the tag list, each but the last linking to the next. */
    private RegistryClient serve(IntFunction<String> tagsOfPage, int lastPage) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v2/", exchange -> {
            int page = requests.getAndIncrement();
            String body = "{\"name\":\"" + REPOSITORY + "\",\"tags\":[" + tagsOfPage.apply(page) + "]}";
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (page < lastPage) {
                exchange.getResponseHeaders()
                        .add("Link", "</v2/" + REPOSITORY + "/tags/list?n=1000&last=p" + page + ">; rel=\"next\"");
            }
            send(exchange, body.getBytes(StandardCharsets.UTF_8));
        });
        server.start();
        return new RegistryClient(
                RegistryClientOptions.builder("127.0.0.1:" + server.getAddress().getPort())
                        .plainHttp(true)
                        .build());
    }

    private void send(HttpExchange exchange, byte[] body) throws IOException {
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        bytesSent.addAndGet(body.length);
    }

    private static String tags(int page, int count) {
        StringBuilder tags = new StringBuilder();
        for (int i = 0; i < count; i++) {
            tags.append(i == 0 ? "" : ",")
                    .append("\"")
                    .append(page)
                    .append('.')
                    .append(i)
                    .append(".0\"");
        }
        return tags.toString();
    }

    @Test
    void shouldRefuseAnEndlessPaginationAtTheTagBoundAfterFewRequests() throws IOException {
        try (RegistryClient client = serveEndless(page -> tags(page, 1000))) {
            assertThatThrownBy(() -> client.listTags(REPOSITORY))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining(REPOSITORY)
                    .hasMessageContaining("127.0.0.1")
                    .hasMessageContaining(String.valueOf(RegistryClient.MAX_TAGS));
        }
        assertThat(requests.get()).isLessThanOrEqualTo(RegistryClient.MAX_TAGS / 1000 + 1);
    }

    @Test
    void shouldRefuseAnEndlessPaginationOfEmptyPagesAtThePageBound() throws IOException {
        try (RegistryClient client = serveEndless(page -> "")) {
            assertThatThrownBy(() -> client.listTags(REPOSITORY))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining(REPOSITORY)
                    .hasMessageContaining(RegistryClient.MAX_TAG_PAGES + " pages");
        }
        assertThat(requests.get()).isLessThanOrEqualTo(RegistryClient.MAX_TAG_PAGES);
    }

    @Test
    void shouldRefuseOneHugePageAtTheTagBound() throws IOException {
        try (RegistryClient client = serveEndless(page -> tags(page, RegistryClient.MAX_TAGS + 1))) {
            assertThatThrownBy(() -> client.listTags(REPOSITORY))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining(REPOSITORY)
                    .hasMessageContaining(String.valueOf(RegistryClient.MAX_TAGS));
        }
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void shouldRefuseAPageLargerThanTheByteBound() throws IOException {
        String longTag = "\"" + "x".repeat(120) + "\"";
        int perPage = RegistryClient.TAG_PAGE_BYTES / 100;
        try (RegistryClient client =
                serveEndless(page -> String.join(",", java.util.Collections.nCopies(perPage, longTag)))) {
            assertThatThrownBy(() -> client.listTags(REPOSITORY))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining(REPOSITORY)
                    .hasMessageContaining(RegistryClient.TAG_PAGE_BYTES + " bytes");
        }
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void shouldStillReadAPaginatedListWithinTheBounds() throws IOException {
        try (RegistryClient client = serve(page -> tags(page, 1000), 2)) {
            assertThat(client.listTags(REPOSITORY)).hasSize(3000).contains("0.0.0", "2.999.0");
        }
    }
}
