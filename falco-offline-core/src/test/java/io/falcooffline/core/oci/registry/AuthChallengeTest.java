package io.falcooffline.core.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AuthChallengeTest {

    @Test
    void shouldParseBearerParametersInAnyOrderWithQuotingAndExtras() {
        List<AuthChallenge> challenges = AuthChallenge.parse(
                List.of("Bearer scope=\"repository:falcosecurity/falco:pull\" ,  error=\"insufficient_scope\","
                        + "service=\"ghcr.io\",realm=\"https://ghcr.io/token\""));

        assertThat(challenges).hasSize(1);
        AuthChallenge bearer = challenges.get(0);
        assertThat(bearer.isBearer()).isTrue();
        assertThat(bearer.parameter("realm")).isEqualTo("https://ghcr.io/token");
        assertThat(bearer.parameter("SERVICE")).isEqualTo("ghcr.io");
        assertThat(bearer.parameter("scope")).isEqualTo("repository:falcosecurity/falco:pull");
        assertThat(bearer.parameter("error")).isEqualTo("insufficient_scope");
    }

    @Test
    void shouldParseUnquotedValuesAndEscapesAndSchemeInAnyCase() {
        AuthChallenge bearer = AuthChallenge.parse(List.of(
                        "bearer realm=https://auth.example.com/token?x=1,service=reg,note=\"a \\\"quoted\\\" word\""))
                .get(0);

        assertThat(bearer.scheme()).isEqualTo("bearer");
        assertThat(bearer.parameter("realm")).isEqualTo("https://auth.example.com/token?x=1");
        assertThat(bearer.parameter("service")).isEqualTo("reg");
        assertThat(bearer.parameter("note")).isEqualTo("a \"quoted\" word");
    }

    @Test
    void shouldSplitSeveralChallengesInOneHeaderAndAcrossHeaders() {
        List<AuthChallenge> challenges = AuthChallenge.parse(List.of(
                "Basic realm=\"basic-realm\", Bearer realm=\"https://a/token\",service=\"s\"", "Negotiate abc123=="));

        assertThat(challenges).extracting(AuthChallenge::scheme).containsExactly("basic", "bearer", "negotiate");
        assertThat(challenges.get(0).parameter("realm")).isEqualTo("basic-realm");
        assertThat(challenges.get(1).parameter("realm")).isEqualTo("https://a/token");
        assertThat(challenges.get(1).parameter("service")).isEqualTo("s");
        assertThat(challenges.get(2).parameters()).isEmpty();
    }

    @Test
    void shouldSurviveGarbage() {
        assertThat(AuthChallenge.parse(List.of("", ",,,", "=\"", "Bearer realm=\"unterminated")))
                .extracting(AuthChallenge::scheme)
                .containsExactly("bearer");
    }
}
