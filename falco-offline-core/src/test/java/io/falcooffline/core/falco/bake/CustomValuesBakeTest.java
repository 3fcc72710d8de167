package io.falcooffline.core.falco.bake;

import static org.assertj.core.api.Assertions.assertThat;

import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.oci.layout.BundleStores;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.testing.Skopeo;
import io.falcooffline.core.yaml.SafeYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The worked example of the baked delivery: the image {@code custom_values.yaml} names, baked into the bundle for
 * arm64 and amd64, holds every library and rules file those values make Falco load.
 */
@Tag("upstream")
class CustomValuesBakeTest {

    private static final String INTERNAL = "192.168.5.96:30003/falco/";

    @TempDir
    Path temp;

    @Test
    @SuppressWarnings("unchecked")
    void shouldHoldEveryFileTheValuesLoadWhenBakedUnderTheirImageName() throws IOException {
        Path fixture = Path.of(System.getProperty("falco-offline.fixtures"), "values/custom_values.yaml");
        Map<String, Object> values = SafeYaml.loadMap(Files.readString(fixture), "custom_values.yaml");
        Map<String, Object> image = (Map<String, Object>) values.get("image");
        Map<String, Object> falco = (Map<String, Object>) values.get("falco");
        OciReference target =
                OciReference.parse(image.get("registry") + "/" + image.get("repository") + ":" + image.get("tag"));
        List<String> rulesFiles = (List<String>) falco.get("rules_files");
        Path bundle = temp.resolve("bundle");

        BakeResult result;
        try (OciStore layout = BundleStores.openForWriting(bundle)) {
            BakeFixtures.publish(layout, INTERNAL);
            result = FalcoImageBaker.bake(
                    BakeFixtures.request(
                                    INTERNAL,
                                    BakeStore.layout(layout),
                                    BakeStore.layout(layout),
                                    target.toString(),
                                    List.of(BakeFixtures.ARM64, BakeFixtures.AMD64))
                            .rulesFiles(rulesFiles)
                            .build(),
                    ProgressListener.SILENT);
        }

        assertThat(result.image().toString()).isEqualTo("192.168.5.96:30003/falco/falco:offline-arm64");
        for (Map<String, Object> plugin : (List<Map<String, Object>>) falco.get("plugins")) {
            assertThat(result.libraryPaths()).contains((String) plugin.get("library_path"));
        }
        assertThat(result.rulesPaths()).containsExactly("/etc/falco/k8s_audit_rules.yaml");
        assertThat(rulesFiles).containsAll(result.rulesPaths());
        assertThat(result.containerPluginOverride()).contains("/etc/falco/config.d/falco.container_plugin.yaml");
        byte[] index = Skopeo.inspectLayoutRaw(bundle, result.image().toString());
        assertThat(Digests.sha256(index)).isEqualTo(result.index().digest());
        JsonNode manifests = JsonMapper.builder().build().readTree(index).path("manifests");
        assertThat(manifests.findValuesAsString("architecture")).containsExactly("amd64", "arm64");
    }
}
