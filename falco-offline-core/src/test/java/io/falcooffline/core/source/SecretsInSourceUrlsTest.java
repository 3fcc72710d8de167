package io.falcooffline.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.ChartSource;
import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.MirrorMode;
import io.falcooffline.core.MirrorOptions;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PublishOptions;
import io.falcooffline.core.SourceOptions;
import io.falcooffline.core.testing.GitRepositories;
import io.falcooffline.core.testing.StaticHttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret in a source URL (a pre-signed query, user-info) survives nowhere: not in the chart, plan, lock, bundle,
 * index, Helm OCI config, GitOps commit, cache or log; where it would have to be kept, the parameter is refused.
 */
class SecretsInSourceUrlsTest {

    private static final String SIGNATURE = "SIGNATURE0123456789abcdef";
    private static final String TOKEN = "TOKEN0123456789abcdef";

    @TempDir
    Path temp;

    @Test
    void aPresignedChartUrlLeavesItsQueryNowhere() throws IOException {
        Path chart = Files.createDirectories(temp.resolve("chart/quiet"));
        Files.writeString(chart.resolve("Chart.yaml"), "apiVersion: v2\nname: quiet\nversion: 1.0.0\n");
        Files.writeString(chart.resolve("values.yaml"), "greeting: hello\n");
        Files.createDirectories(chart.resolve("templates"));
        Files.writeString(
                chart.resolve("templates/cm.yaml"),
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: quiet\ndata:\n  greeting: {{ .Values.greeting }}\n");
        Path site = temp.resolve("site");
        TestChartRepository.archive(chart, site.resolve("quiet-1.0.0.tgz"));
        Path gitops = temp.resolve("gitops.git");
        GitRepositories.git(temp, "init", "-q", "--bare", "-b", "main", gitops.toString());
        Path output = temp.resolve("out");
        Path cache = temp.resolve("cache");
        List<String> log = new ArrayList<>();
        String[] served = new String[1];
        try (StaticHttpServer server = StaticHttpServer.serve(site)) {
            served[0] = server.uri().toString();
            String url = server.uri() + "/quiet-1.0.0.tgz?X-Amz-Signature=" + SIGNATURE + "&token=" + TOKEN;
            PackageRequest request = PackageRequest.builder()
                    .source(ChartSource.url(url, null))
                    .sourceOptions(SourceOptions.builder().cacheDirectory(cache).build())
                    .registry("192.168.5.96:30003")
                    .strict(false)
                    .outputDirectory(output)
                    .mirror(MirrorOptions.builder().mode(MirrorMode.BUNDLE).build())
                    .publish(PublishOptions.builder()
                            .publishChart(true)
                            .helmRepositoryIndex(true)
                            .gitRepository(gitops.toUri().toString())
                            .build())
                    .build();

            FalcoOffline.packageChart(request, (level, message) -> log.add(level + " " + message));
            assertThat(server.requests()).as("the download used the signed URL").contains("/quiet-1.0.0.tgz");
        }

        assertThat(String.join("\n", log)).contains("quiet").doesNotContain(SIGNATURE, TOKEN);
        assertNoSecretIn(output);
        assertNoSecretIn(cache);
        String history = GitRepositories.git(gitops, "log", "-p", "--all", "--format=%B");
        assertThat(history).contains("quiet-1.0.0.tgz").doesNotContain(SIGNATURE, TOKEN);
        Map<?, ?> annotations = (Map<?, ?>) new io.falcooffline.core.chart.ChartReader()
                .read(output.resolve("quiet-1.0.0.tgz"))
                .chartYaml()
                .get("annotations");
        assertThat(annotations.get(Provenance.SOURCE_ANNOTATION)).isEqualTo(served[0] + "/quiet-1.0.0.tgz");
    }

    @Test
    void gitUrlsRefuseUserInfoAndQueriesWithoutEchoingThem() {
        for (String url : List.of(
                "http://bot:" + TOKEN + "@git.corp/charts.git",
                "https://" + TOKEN + "@git.corp/charts.git",
                "https://git.corp/charts.git?private_token=" + TOKEN)) {
            assertThatThrownBy(() -> ChartSource.git(url, "main", "charts/falco"))
                    .as(url)
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("chartGitRepository")
                    .hasMessageNotContaining(TOKEN);
            assertThatThrownBy(() -> PublishOptions.builder().gitRepository(url).build())
                    .as(url)
                    .isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("gitRepository")
                    .hasMessageNotContaining(TOKEN);
        }
        assertThatThrownBy(() -> PublishOptions.builder()
                        .helmRepositoryUrl("https://charts.corp/falco?sig=" + TOKEN)
                        .build())
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("helmRepositoryUrl")
                .hasMessageNotContaining(TOKEN);
    }

    /** Every file below {@code root}, and the decompressed content of every gzip file, holds neither secret. */
    private static void assertNoSecretIn(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = readable(Files.readAllBytes(file));
                assertThat(text).as(file.toString()).doesNotContain(SIGNATURE, TOKEN);
                assertThat(file.toString()).doesNotContain(SIGNATURE, TOKEN);
            }
        }
    }

    private static String readable(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        if (bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                text += new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return text;
    }
}
