package io.falcooffline.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ValuesCommentsTest {

    private static final String ORIGINAL = """
            # Values for demo.

            # -- The image.
            image:
              registry: docker.io # where from
              # Empty: appVersion.
              tag: ""

            # -- Extra containers.
            extra:
              # An example:
              # - name: x
              - name: a
                image: busybox # a literal

            # -- Kept after extra.
            replicas: 1 # how many
            """;

    @Test
    void shouldFindNothingLostWhenOnlyValuesOnChangedKeysDiffer() {
        String rewritten = ORIGINAL.replace("registry: docker.io # where from", "registry: registry.internal")
                .replace("  # An example:\n  # - name: x\n  - name: a\n    image: busybox # a literal\n", "  - b\n");

        assertThat(ValuesComments.lostComments(ORIGINAL, rewritten, List.of("image.registry", "extra", "brandNew")))
                .isEmpty();
    }

    @Test
    void shouldListEveryLostCommentLineWhenTheRewriteDroppedThem() {
        String rewritten = ORIGINAL.replace("# -- The image.\n", "")
                .replace("replicas: 1 # how many", "replicas: 1")
                .replace("  # Empty: appVersion.\n", "");

        assertThat(ValuesComments.lostComments(ORIGINAL, rewritten, List.of("image.registry")))
                .containsExactly("# -- The image.", "  # Empty: appVersion.", "replicas: 1 # how many");
    }

    @Test
    void shouldKeepTheCommentBeforeTheNextKeyOutOfAChangedBlock() {
        String rewritten = ORIGINAL.replace("# -- Kept after extra.\n", "");

        assertThat(ValuesComments.lostComments(ORIGINAL, rewritten, List.of("extra")))
                .containsExactly("# -- Kept after extra.");
    }

    @Test
    void shouldNoticeReorderedCommentsWhenTheyAreOutOfOrder() {
        String rewritten = ORIGINAL.replace("# Values for demo.\n", "") + "# Values for demo.\n";

        assertThat(ValuesComments.lostComments(ORIGINAL, rewritten, List.of())).isNotEmpty();
    }
}
