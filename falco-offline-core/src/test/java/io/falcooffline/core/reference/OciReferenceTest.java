package io.falcooffline.core.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.InvalidReferenceException;
import io.falcooffline.core.plan.OciReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OciReferenceTest {

    @ParameterizedTest
    @CsvSource({
        "docker.io/falcosecurity/falco:0.44.0, docker.io, falcosecurity/falco, 0.44.0",
        "falcosecurity/falco:0.44.0, docker.io, falcosecurity/falco, 0.44.0",
        "appropriate/curl, docker.io, appropriate/curl, ",
        "redis, docker.io, library/redis, ",
        "registry-1.docker.io/library/redis:7, docker.io, library/redis, 7",
        "index.docker.io/falcosecurity/falco:1, docker.io, falcosecurity/falco, 1",
        "ghcr.io/falcosecurity/plugins/plugin/container:0.7.1, ghcr.io, falcosecurity/plugins/plugin/container, 0.7.1",
        "192.168.5.96:30003/falco/falco:offline-arm64, 192.168.5.96:30003, falco/falco, offline-arm64",
        "localhost/app:1, localhost, app, 1",
        "localhost:5000/a/b, localhost:5000, a/b, ",
        "falco.docker.scarf.sh/falcosecurity/falco-talon:0.3.0, falco.docker.scarf.sh, falcosecurity/falco-talon, 0.3.0"
    })
    void shouldNormaliseLikeContainerRuntimesWhenParsing(String text, String registry, String repository, String tag) {
        OciReference reference = OciReference.parse(text);

        assertThat(reference.registry()).isEqualTo(registry);
        assertThat(reference.repository()).isEqualTo(repository);
        assertThat(reference.tag()).isEqualTo(tag);
    }

    @Test
    void shouldKeepTagAndDigestWhenBothAreGiven() {
        String digest = "sha256:" + "a".repeat(64);

        OciReference reference = OciReference.parse("falcosecurity/falco:0.44.0@" + digest);

        assertThat(reference.tag()).isEqualTo("0.44.0");
        assertThat(reference.digest()).isEqualTo(digest);
        assertThat(reference).hasToString("docker.io/falcosecurity/falco:0.44.0@" + digest);
        assertThat(reference.effectiveTag()).contains("0.44.0");
    }

    @Test
    void shouldImplyLatestOnlyWhenNeitherTagNorDigestIsGiven() {
        assertThat(OciReference.parse("appropriate/curl").effectiveTag()).contains("latest");
        assertThat(OciReference.parse("a/b@sha256:" + "0".repeat(64)).effectiveTag())
                .isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "'', must look like",
        "https://falcosecurity.github.io/falcoctl/index.yaml, must look like",
        "Falcosecurity/Falco:1, lower-case",
        "a/b:bad+tag, tag 'bad+tag'",
        "a/b@sha256:xyz, digest 'sha256:xyz'",
        "a b, must look like"
    })
    void shouldNameTheTextAndTheProblemWhenInvalid(String text, String problem) {
        assertThatThrownBy(() -> OciReference.parse(text))
                .isInstanceOf(InvalidReferenceException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining(problem);
    }

    @Test
    void shouldSayATooLongTagIsTooLongAndKeepLineBreaksOutOfTheMessage() {
        assertThatThrownBy(() -> OciReference.parse("a/b:" + "t".repeat(200)))
                .hasMessageContaining("the tag is 200 characters long, more than the 128 a tag may have")
                .hasMessageNotContaining("has characters a tag cannot have");
        assertThatThrownBy(() -> OciReference.parse("a/b:1\n[INFO] BUILD SUCCESS"))
                .hasMessageContaining("'a/b:1\\u000a[INFO] BUILD SUCCESS'")
                .hasMessageNotContaining("\n");
    }

    @Test
    void shouldMoveToAnotherRegistryKeepingTagAndDigest() {
        OciReference moved =
                OciReference.parse("docker.io/falcosecurity/falco:0.44.0").withName("harbor:443", "falco/falco");

        assertThat(moved).hasToString("harbor:443/falco/falco:0.44.0");
        assertThat(moved.lastSegment()).isEqualTo("falco");
    }
}
