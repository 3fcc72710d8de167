package io.falcooffline.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the machine's {@code skopeo} against a {@link LocalRegistry}, as a check that is independent of our own
 * client: what it reads is what any other OCI tool would read.
 */
public final class Skopeo {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final LocalRegistry registry;
    private final String credentials;
    private final Path workDirectory;

    private Skopeo(LocalRegistry registry, String credentials, Path workDirectory) {
        this.registry = registry;
        this.credentials = credentials;
        this.workDirectory = workDirectory;
    }

    /**
     * Prepares skopeo for a registry: {@code --tls-verify=false} for plain HTTP, {@code --cert-dir} with the test CA
     * for TLS.
     *
     * @param registry the registry
     * @param workDirectory a directory for the CA copy and an empty auth file, so the user's own are never read
     */
    public static Skopeo forRegistry(LocalRegistry registry, Path workDirectory) {
        ExternalCommand.requireInstalled("skopeo");
        return new Skopeo(registry, null, workDirectory);
    }

    /** The same, logging in with {@code --creds user:password}. */
    public Skopeo withCredentials(String user, String password) {
        return new Skopeo(registry, user + ":" + password, workDirectory);
    }

    /**
     * {@code skopeo inspect --raw}: the manifest or index bytes exactly as the registry serves them.
     *
     * @param repositoryAndReference e.g. {@code falcosecurity/plugins/plugin/k8saudit:0.16.1} or {@code repo@sha256:…}
     */
    public byte[] inspectRaw(String repositoryAndReference) {
        return run(List.of("inspect", "--raw"), repositoryAndReference).stdout();
    }

    /** {@code skopeo inspect --config --raw}: the config blob of an image manifest. */
    public byte[] inspectConfigRaw(String repositoryAndReference) {
        return run(List.of("inspect", "--config", "--raw"), repositoryAndReference)
                .stdout();
    }

    /** {@code skopeo inspect}: skopeo's JSON summary of an image (it fails for non-image artifacts). */
    public String inspect(String repositoryAndReference) {
        return run(List.of("inspect"), repositoryAndReference).stdoutText();
    }

    /** {@code skopeo list-tags}: JSON with the repository's tags. */
    public String listTags(String repository) {
        return run(List.of("list-tags"), repository).stdoutText();
    }

    /**
     * {@code skopeo copy --all --preserve-digests} of an image or index into a {@code dir:} directory, where every
     * manifest and blob lands in a file named by its digest's hex: what any client pulling it would get.
     *
     * @param repositoryAndReference e.g. {@code falco/falco:offline}
     * @param directory a new directory
     * @return {@code directory}
     */
    public Path copyAllToDirectory(String repositoryAndReference, Path directory) {
        List<String> command = new ArrayList<>(List.of("skopeo", "copy", "--all", "--preserve-digests", "--quiet"));
        addRegistryOptions(command, "src-");
        command.add("docker://" + registry.host() + "/" + repositoryAndReference);
        command.add("dir:" + directory);
        runChecked(command, "copy " + repositoryAndReference);
        return directory;
    }

    /**
     * {@code skopeo inspect --raw} of an image in an OCI image layout (the offline bundle).
     *
     * @param layout the layout directory
     * @param refName the {@code org.opencontainers.image.ref.name} of its index entry
     */
    public static byte[] inspectLayoutRaw(Path layout, String refName) {
        ExternalCommand.requireInstalled("skopeo");
        return runChecked(List.of("skopeo", "inspect", "--raw", "oci:" + layout + ":" + refName), "inspect " + refName)
                .stdout();
    }

    /** {@code skopeo copy --all --preserve-digests} from an OCI image layout into a {@code dir:} directory. */
    public static Path copyAllFromLayout(Path layout, String refName, Path directory) {
        ExternalCommand.requireInstalled("skopeo");
        runChecked(
                List.of(
                        "skopeo",
                        "copy",
                        "--all",
                        "--preserve-digests",
                        "--quiet",
                        "oci:" + layout + ":" + refName,
                        "dir:" + directory),
                "copy " + refName);
        return directory;
    }

    private static ExternalCommand.Result runChecked(List<String> command, String what) {
        ExternalCommand.Result result = ExternalCommand.run(command, Map.of(), TIMEOUT);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("skopeo " + what + " failed (exit " + result.exitCode() + "): "
                    + result.stderr().strip());
        }
        return result;
    }

    private ExternalCommand.Result run(List<String> subcommand, String repositoryAndReference) {
        List<String> command = new ArrayList<>();
        command.add("skopeo");
        command.addAll(subcommand);
        addRegistryOptions(command, "");
        command.add("docker://" + registry.host() + "/" + repositoryAndReference);
        return runChecked(command, String.join(" ", subcommand) + " " + repositoryAndReference);
    }

    /**
     * The options that reach this registry: the test CA or no TLS check, an empty auth file so the user's own is never
     * read, and the credentials if any. {@code prefix} is {@code src-} for the source of a copy.
     */
    private void addRegistryOptions(List<String> command, String prefix) {
        if (registry.tls()) {
            command.add("--" + prefix + "cert-dir=" + certDirectory());
        } else {
            command.add("--" + prefix + "tls-verify=false");
        }
        Path authFile = workDirectory.resolve("skopeo-auth.json");
        writeIfAbsent(authFile, "{}");
        command.add("--authfile=" + authFile);
        if (credentials != null) {
            command.add("--" + prefix + "creds=" + credentials);
        }
    }

    private Path certDirectory() {
        Path directory = workDirectory.resolve("skopeo-certs");
        try {
            Files.createDirectories(directory);
            Path ca = directory.resolve("ca.crt");
            if (!Files.exists(ca)) {
                Files.copy(registry.caFile().orElseThrow(), ca);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return directory;
    }

    private static void writeIfAbsent(Path file, String text) {
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
