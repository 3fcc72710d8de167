package io.falcooffline.core.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.InvalidRequestException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RegistryClientOptionsTest {

    @Test
    void shouldApplyTheDocumentedDefaults() {
        RegistryClientOptions options =
                RegistryClientOptions.builder("harbor.example.com:30003").build();

        assertThat(options.plainHttp()).isFalse();
        assertThat(options.credentials()).isEmpty();
        assertThat(options.allowCredentialsOverHttp()).isFalse();
        assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.requestTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(options.maxAttempts()).isEqualTo(4);
        assertThat(options.initialBackoff()).isEqualTo(Duration.ofMillis(250));
        assertThat(options.maxBackoff()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.maxRetryAfter()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void shouldDeriveChangedOptionsWithoutTouchingTheOriginal() {
        RegistryClientOptions original =
                RegistryClientOptions.builder("a.example.com").build();
        RegistryClientOptions derived =
                original.toBuilder().plainHttp(true).maxAttempts(1).build();

        assertThat(original.plainHttp()).isFalse();
        assertThat(derived.plainHttp()).isTrue();
        assertThat(derived.maxAttempts()).isEqualTo(1);
        assertThat(derived.host()).isEqualTo("a.example.com");
    }

    @Test
    void shouldNameTheOptionWhenAValueIsWrong() {
        assertThatThrownBy(() -> RegistryClientOptions.builder("https://harbor.example.com")
                        .build())
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("host"))
                .hasMessageContaining("without scheme");
        assertThatThrownBy(
                        () -> RegistryClientOptions.builder("h").maxAttempts(0).build())
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("maxAttempts"));
        assertThatThrownBy(() -> RegistryClientOptions.builder("h")
                        .requestTimeout(Duration.ZERO)
                        .build())
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("requestTimeout"));
        assertThatThrownBy(() -> RegistryClientOptions.builder("h")
                        .plainHttp(true)
                        .caFile(Path.of("ca.pem"))
                        .build())
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("caFile"));
    }
}
