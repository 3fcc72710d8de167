package io.falcooffline.core.node;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.io.PreparedDirectory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files every node's container runtime needs to pull from a registry with a private CA or over plain HTTP, one
 * directory per runtime whose tree mirrors where each file goes on the node ({@code containerd/etc/containerd/…}
 * goes to {@code /etc/containerd/…}), and a README with the steps. Prepared in memory, written as one directory.
 *
 * <ul>
 *   <li>containerd: {@code /etc/containerd/certs.d/<host:port>/hosts.toml} ({@link ContainerdHosts}), with the CA
 *       beside it.
 *   <li>CRI-O (containers/image): a CA goes to {@code /etc/containers/certs.d/<host:port>/ca.crt}, where every
 *       {@code *.crt} is a CA (containers/image {@code docs/containers-certs.d.5.md}); plain HTTP is a
 *       {@code [[registry]]} with {@code insecure = true} in a drop-in of {@code /etc/containers/registries.conf.d/}
 *       (containers/image {@code docs/containers-registries.conf.5.md}, {@code docs/containers-registries.conf.d.5.md}).
 *   <li>Docker Engine: a CA goes to {@code /etc/docker/certs.d/<host:port>/ca.crt}; plain HTTP is an
 *       {@code insecure-registries} entry of {@code /etc/docker/daemon.json}, which the README shows rather than
 *       overwriting that file.
 * </ul>
 */
public final class NodeFiles {

    /** The directory under the output directory that receives the node files. */
    public static final String DIRECTORY = "nodes";

    /** The steps. */
    public static final String README_FILE = "README.md";

    static final String CONTAINERD = "containerd";
    static final String CRI_O = "cri-o";
    static final String DOCKER = "docker";

    private NodeFiles() {}

    /**
     * The files, computed in memory, to be written by {@link #write}.
     *
     * @param files path inside the nodes directory to content, README last
     * @param installs for each file but the README, the absolute path it goes to on a node
     */
    public record Prepared(Map<String, byte[]> files, Map<String, String> installs) {

        public Prepared {
            files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
            installs = Collections.unmodifiableMap(new LinkedHashMap<>(installs));
        }

        /** The paths inside the nodes directory, in order. */
        public List<String> paths() {
            return List.copyOf(files.keySet());
        }

        /** The files as the output stage writes them: the directory {@value #DIRECTORY} of the output directory. */
        public PreparedDirectory directory() {
            return new PreparedDirectory(
                    DIRECTORY,
                    "the files every node's container runtime needs",
                    files,
                    "steps in " + README_FILE,
                    List.of());
        }
    }

    /** What {@link #write} produced: the directory and the files in it. */
    public record Written(Path directory, List<Path> files) {

        public Written {
            files = List.copyOf(files);
        }
    }

    /**
     * The node files for the registry, with the README naming the pull secrets too.
     *
     * @throws IllegalArgumentException when the registry needs no node files ({@link RegistryTrust#needsNodeFiles})
     */
    public static Prepared prepare(RegistryTrust trust, PullSecrets secrets) {
        if (!trust.needsNodeFiles()) {
            throw new IllegalArgumentException(trust.registry() + " needs no node files");
        }
        String registry = trust.registry();
        Map<String, String> installs = new LinkedHashMap<>();
        Map<String, byte[]> files = new LinkedHashMap<>();
        String containerdDirectory = ContainerdHosts.hostDirectory(registry);
        add(
                files,
                installs,
                CONTAINERD,
                containerdDirectory + "/" + ContainerdHosts.HOSTS_FILE,
                ContainerdHosts.hostsToml(trust));
        if (trust.kind() == RegistryTrust.Kind.PRIVATE_CA) {
            String ca = trust.caPem().orElseThrow();
            add(files, installs, CONTAINERD, containerdDirectory + "/" + ContainerdHosts.CA_FILE, ca);
            add(files, installs, CRI_O, "/etc/containers/certs.d/" + registry + "/ca.crt", ca);
            add(files, installs, DOCKER, "/etc/docker/certs.d/" + registry + "/ca.crt", ca);
        } else {
            add(files, installs, CRI_O, crioDropIn(registry), crioInsecureRegistry(registry));
        }
        files.put(README_FILE, NodeReadme.text(trust, secrets, installs).getBytes(StandardCharsets.UTF_8));
        return new Prepared(files, installs);
    }

    /**
     * Writes the files into {@code nodesDirectory}, replacing it as a whole, so it never holds a half-written set.
     *
     * @throws FalcoOfflineException when the directory cannot be written
     */
    public static Written write(Path nodesDirectory, Prepared prepared) {
        Path directory = prepared.directory().writeTo(nodesDirectory);
        List<Path> written = new ArrayList<>();
        prepared.files().keySet().forEach(path -> written.add(directory.resolve(path)));
        return new Written(directory, written);
    }

    /** The CRI-O drop-in that marks the registry as plain HTTP, named after it. */
    static String crioDropIn(String registry) {
        return "/etc/containers/registries.conf.d/50-falco-offline-" + registry.replaceAll("[^A-Za-z0-9.-]", "_")
                + ".conf";
    }

    private static String crioInsecureRegistry(String registry) {
        return "# Written by falco-offline: CRI-O (containers/image) pulls from " + registry + " over plain HTTP.\n"
                + "[[registry]]\nlocation = \"" + registry + "\"\ninsecure = true\n";
    }

    private static void add(
            Map<String, byte[]> files, Map<String, String> installs, String runtime, String nodePath, String text) {
        String path = runtime + nodePath;
        files.put(path, text.getBytes(StandardCharsets.UTF_8));
        installs.put(path, nodePath);
    }
}
