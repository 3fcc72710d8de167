package io.falcooffline.core.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.ReferenceConflictException;
import io.falcooffline.core.RepositoryLayout;
import io.falcooffline.core.plan.OciReference;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReferenceMapperTest {

    private static final String HARBOR = "192.168.5.96:30003";

    @Test
    void shouldKeepRepositoryPathUnderPrefixWithKeepLayout() {
        ReferenceMapper mapper =
                new ReferenceMapper(HARBOR, "mirror", RepositoryLayout.KEEP, Map.of(), ReferenceConventions.NONE);

        assertThat(mapper.map(OciReference.parse("docker.io/falcosecurity/falco:0.44.0")))
                .hasToString(HARBOR + "/mirror/falcosecurity/falco:0.44.0");
    }

    @Test
    void shouldUseLastSegmentWithFlattenLayout() {
        ReferenceMapper mapper =
                new ReferenceMapper(HARBOR, "falco", RepositoryLayout.FLATTEN, Map.of(), ReferenceConventions.NONE);

        assertThat(mapper.map(OciReference.parse("docker.io/falcosecurity/falcoctl:0.13.0")))
                .hasToString(HARBOR + "/falco/falcoctl:0.13.0");
    }

    @Test
    void shouldLeaveInternalReferencesAlone() {
        ReferenceMapper mapper =
                new ReferenceMapper(HARBOR, "falco", RepositoryLayout.FLATTEN, Map.of(), ReferenceConventions.NONE);
        OciReference internal = OciReference.parse(HARBOR + "/falco/falco:offline-arm64");

        assertThat(mapper.isInternal(internal)).isTrue();
        assertThat(mapper.map(internal)).isEqualTo(internal);
    }

    @Test
    void shouldNameFlattenedRepositoriesAsTheConventionsSay() {
        ReferenceConventions ruleset = new ReferenceConventions() {
            @Override
            public Optional<String> flatName(OciReference source) {
                return Optional.of(source.repository().replace('/', '-')).filter(name -> name.startsWith("rules-"));
            }
        };
        ReferenceMapper mapper = new ReferenceMapper(HARBOR, "falco", RepositoryLayout.FLATTEN, Map.of(), ruleset);

        assertThat(mapper.map(OciReference.parse("ghcr.io/rules/k8saudit:0.16")))
                .hasToString(HARBOR + "/falco/rules-k8saudit:0.16");
        assertThat(mapper.map(OciReference.parse("ghcr.io/plugin/k8saudit:0.16")))
                .as("a source the conventions do not name takes its last path segment")
                .hasToString(HARBOR + "/falco/k8saudit:0.16");
    }

    @Test
    void shouldNameBothSourcesWhenTheyWouldShareATarget() {
        ReferenceMapper mapper =
                new ReferenceMapper(HARBOR, "falco", RepositoryLayout.FLATTEN, Map.of(), ReferenceConventions.NONE);
        mapper.map(OciReference.parse("docker.io/falcosecurity/falco:0.44.0"));

        assertThatThrownBy(() -> mapper.map(OciReference.parse("quay.io/acme/falco:1")))
                .isInstanceOf(ReferenceConflictException.class)
                .hasMessageContaining("docker.io/falcosecurity/falco")
                .hasMessageContaining("quay.io/acme/falco")
                .hasMessageContaining(HARBOR + "/falco/falco")
                .hasMessageContaining("override");
    }

    @Test
    void shouldAllowTheSameSourceAtTwoTags() {
        ReferenceMapper mapper =
                new ReferenceMapper(HARBOR, "", RepositoryLayout.FLATTEN, Map.of(), ReferenceConventions.NONE);

        mapper.map(OciReference.parse("redis/redis-stack:7.2.0-v11"));

        assertThat(mapper.map(OciReference.parse("redis/redis-stack:7.4"))).hasToString(HARBOR + "/redis-stack:7.4");
    }

    @Test
    void shouldPreferExactOverrideThenRepositoryOverride() {
        ReferenceMapper mapper = new ReferenceMapper(
                HARBOR,
                "falco",
                RepositoryLayout.FLATTEN,
                Map.of(
                        "docker.io/falcosecurity/falco:0.44.0", HARBOR + "/falco/falco:offline-arm64",
                        "appropriate/curl", HARBOR + "/tools/curl"),
                ReferenceConventions.NONE);

        assertThat(mapper.map(OciReference.parse("falcosecurity/falco:0.44.0")))
                .hasToString(HARBOR + "/falco/falco:offline-arm64");
        assertThat(mapper.map(OciReference.parse("docker.io/appropriate/curl:8")))
                .hasToString(HARBOR + "/tools/curl:8");
    }

    @Test
    void shouldRejectOverrideWithInvalidTarget() {
        assertThatThrownBy(() -> new ReferenceMapper(
                        HARBOR, "", RepositoryLayout.KEEP, Map.of("a/b", "Not Valid"), ReferenceConventions.NONE))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'a/b'")
                .hasMessageContaining("target");
    }
}
