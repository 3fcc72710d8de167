package io.falcooffline.core.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryAuthScopesTest {

    @Test
    void shouldAskForEachResourceOnceWhateverOrderTheRegistryWritesItsActionsIn() {
        assertThat(RegistryAuth.merged(List.of(
                        "repository:bearer/k8saudit:pull,push",
                        "repository:bearer/k8saudit:push,pull",
                        "repository:other/json:pull",
                        "repository:other/json:push")))
                .containsExactly("repository:bearer/k8saudit:pull,push", "repository:other/json:pull,push");
    }

    @Test
    void shouldKeepAScopeWithoutActionsAsItIs() {
        assertThat(RegistryAuth.merged(List.of("registry:catalog:*", "odd")))
                .containsExactly("odd", "registry:catalog:*");
    }
}
