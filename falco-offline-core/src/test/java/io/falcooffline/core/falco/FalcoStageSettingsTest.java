package io.falcooffline.core.falco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.Delivery;
import io.falcooffline.core.InvalidRequestException;
import org.junit.jupiter.api.Test;

class FalcoOptionsTest {

    @Test
    void deliveryIsRegistryOrBaked() {
        assertThat(Delivery.parse(null)).isEqualTo(Delivery.REGISTRY);
        assertThat(Delivery.parse(" Baked ")).isEqualTo(Delivery.BAKED);
        assertThatThrownBy(() -> Delivery.parse("docker"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'docker'")
                .hasMessageContaining("`registry`");
    }

    @Test
    void artifactsPinOrAddByName() {
        ArtifactPins pins = ArtifactPins.parse("k8saudit:0.16.1, json ,k8saudit-rules:0.16.1");

        assertThat(pins.names()).containsExactly("k8saudit", "json", "k8saudit-rules");
        assertThat(pins.versionOf("k8saudit")).contains("0.16.1");
        assertThat(pins.versionOf("json")).contains("");
        assertThat(pins.versionOf("container")).isEmpty();
        assertThatThrownBy(() -> ArtifactPins.parse("k8saudit:0.16.1,k8saudit:0.18.0"))
                .hasMessageContaining("names 'k8saudit' twice");
        assertThatThrownBy(() -> ArtifactPins.parse("ghcr.io/falcosecurity/plugins/plugin/json:0.7.4"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("full reference");
        assertThatThrownBy(() -> ArtifactPins.parse("K8saudit:"))
                .hasMessageContaining("'K8saudit:' is not name[:version]");
    }

    @Test
    void theRegistrySecretMustBeAKubernetesName() {
        assertThat(FalcoStageSettings.defaults()
                        .withRegistrySecret("harbor-pull")
                        .registrySecret())
                .contains("harbor-pull");
        assertThatThrownBy(() -> FalcoStageSettings.defaults().withRegistrySecret("Harbor Pull"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("registrySecret");
    }
}
