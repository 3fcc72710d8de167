package io.falcooffline.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A small chart whose one Pod runs every benchmark image, named as on Docker Hub. */
final class BenchChart {

    private BenchChart() {}

    static Path write(Path directory, List<String> repositories) throws IOException {
        Files.createDirectories(directory.resolve("templates"));
        Files.writeString(
                directory.resolve("Chart.yaml"),
                "apiVersion: v2\nname: bench\nversion: 1.0.0\nappVersion: \"1\"\n",
                StandardCharsets.UTF_8);
        StringBuilder values = new StringBuilder("images:\n");
        for (int i = 0; i < repositories.size(); i++) {
            values.append("  image")
                    .append(i)
                    .append(":\n    registry: docker.io\n    repository: ")
                    .append(repositories.get(i))
                    .append("\n    tag: \"")
                    .append(SyntheticImages.TAG)
                    .append("\"\n");
        }
        Files.writeString(directory.resolve("values.yaml"), values, StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("templates/pod.yaml"), """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: {{ .Release.Name }}
                spec:
                  containers:
                  {{- range $name, $image := .Values.images }}
                    - name: {{ $name }}
                      image: "{{ $image.registry }}/{{ $image.repository }}:{{ $image.tag }}"
                  {{- end }}
                """, StandardCharsets.UTF_8);
        return directory;
    }
}
