package io.falcooffline.core.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.RegistryCredentials;
import io.falcooffline.core.RegistryException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A registry that echoes the credentials it was sent in its error bodies gets them back masked. */
class EchoedSecretsTest {

    private static final String TOKEN = "opaque-bearer-0123456789abcdef";
    private static final String PASSWORD = "echoed-password-0123456789";

    @Test
    void aBearerTokenOrPasswordEchoedInA401BodyIsMasked() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/token", exchange -> answer(exchange, 200, "{\"token\":\"" + TOKEN + "\"}"));
        server.createContext("/v2/", exchange -> {
            String authorization = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.getResponseHeaders()
                    .add("WWW-Authenticate", "Bearer realm=\"" + base + "/token\",service=\"echo\"");
            answer(
                    exchange,
                    401,
                    "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"invalid " + authorization + " for user "
                            + PASSWORD + " (token " + TOKEN + ")\"}]}");
        });
        server.start();
        List<String> log = new ArrayList<>();
        ProgressListener listener = (level, message) -> log.add(message);
        try (RegistryClient client = new RegistryClient(
                RegistryClientOptions.builder("127.0.0.1:" + server.getAddress().getPort())
                        .plainHttp(true)
                        .allowCredentialsOverHttp(true)
                        .credentials(RegistryCredentials.basic("robot", PASSWORD))
                        .build(),
                listener)) {
            assertThatThrownBy(() -> client.fetchManifest("falco/falco", "0.44.0"))
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining("UNAUTHORIZED")
                    .satisfies(e -> {
                        StringBuilder chain = new StringBuilder();
                        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                            chain.append(cause).append('\n');
                        }
                        assertThat(chain.toString()).doesNotContain(TOKEN, PASSWORD);
                    });
        } finally {
            server.stop(0);
        }
        assertThat(String.join("\n", log)).doesNotContain(TOKEN, PASSWORD);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
