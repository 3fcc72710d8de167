package io.falcooffline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Where the whole-process Maven runs find the plugin: a local repository of the benchmark's own, {@code
 * bench/target/nested-repository}, that holds the parent POM and the plugin (which carries the core) as this reactor
 * just built them, with the POM the plugin is installed with, and takes everything else from the build's local repository (normally {@code ~/.m2/repository}) as a read-only
 * {@code file:} mirror. So the benchmark measures the code of this checkout, needs no {@code mvn install}, and writes
 * nothing into the shared local repository.
 *
 * <p>The nested runs are not offline ({@code -o}), even when the benchmark's own build is: falco-offline honours
 * Maven's offline flag and then contacts no registry, which is the opposite of what a mirror run is for. They still
 * reach no network for Maven itself: their only remote repository is the {@code file:} mirror.
 */
final class NestedMaven {

    private static final String GROUP_PATH = "io/falcooffline";
    private static List<String> options;

    private NestedMaven() {}

    /** The options every nested {@code mvn} gets; prepares the repository on first use. */
    static synchronized List<String> options() {
        if (options == null) {
            options = prepare(Path.of("").toAbsolutePath());
        }
        return options;
    }

    private static List<String> prepare(Path checkout) {
        String version = Commands.VERSION;
        Path repository = checkout.resolve("bench/target/nested-repository");
        Path shared = Path.of(System.getProperty(
                "falco-offline.bench.sharedRepository",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        try {
            install(repository, "falco-offline-parent", version, checkout.resolve("pom.xml"), null);
            // the plugin jar carries the core, and its dependency-reduced POM names helm-java alone, as installed
            install(
                    repository,
                    "falco-offline-maven-plugin",
                    version,
                    built(checkout, "falco-offline-maven-plugin/dependency-reduced-pom.xml"),
                    built(
                            checkout,
                            "falco-offline-maven-plugin/target/falco-offline-maven-plugin-" + version + ".jar"));
            Path settings = checkout.resolve("bench/target/nested-settings.xml");
            Files.writeString(settings, """
                    <settings>
                      <mirrors>
                        <mirror>
                          <id>build-local-repository</id>
                          <mirrorOf>*</mirrorOf>
                          <url>%s</url>
                        </mirror>
                      </mirrors>
                    </settings>
                    """.formatted(shared.toUri()), StandardCharsets.UTF_8);
            List<String> prepared = List.of("-s", settings.toString(), "-Dmaven.repo.local=" + repository);
            // resolves the plugin's dependencies into the repository once, before anything is timed
            Path scratch = Files.createTempDirectory("falco-offline-bench-warm-up");
            List<String> warmUp = new java.util.ArrayList<>(List.of("mvn", "-B", "-q"));
            warmUp.addAll(prepared);
            warmUp.add(Commands.pluginGoal("help"));
            Commands.run(scratch, warmUp, Map.of());
            Files.delete(scratch);
            return prepared;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare the nested runs' repository " + repository, e);
        }
    }

    private static Path built(Path checkout, String file) {
        Path built = checkout.resolve(file);
        if (!Files.isRegularFile(built)) {
            throw new IllegalStateException(built + " is missing: run the benchmark with -am and a phase from package"
                    + " on (mvn -B -Pbench -pl bench -am verify -DskipTests), so the reactor builds the plugin.");
        }
        return built;
    }

    private static void install(Path repository, String artifactId, String version, Path pom, Path jar)
            throws IOException {
        Path directory = repository.resolve(GROUP_PATH).resolve(artifactId).resolve(version);
        Files.createDirectories(directory);
        Files.copy(pom, directory.resolve(artifactId + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            Files.copy(
                    jar, directory.resolve(artifactId + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
