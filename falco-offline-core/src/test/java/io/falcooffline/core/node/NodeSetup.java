package io.falcooffline.core.node;

import io.falcooffline.core.plan.Plan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Does on a simulated node and cluster what a package run's output tells the user to do, read from that output: the
 * {@code install} lines of a runtime's section of {@code nodes/README.md}, and the {@code kubectl create secret
 * docker-registry} commands of the plan's {@code nodes} section with the placeholders filled in.
 */
public final class NodeSetup {

    private static final Pattern INSTALL = Pattern.compile("install -D -m 0644 (\\S+) (/\\S+)");
    private static final Pattern CREATE =
            Pattern.compile("kubectl create secret docker-registry (\\S+) --namespace (\\S+) --docker-server=(\\S+)"
                    + " --docker-username='<user>' --docker-password='<password>'");

    private NodeSetup() {}

    /**
     * The files the README's section for {@code runtime} ({@code containerd}, {@code CRI-O}) installs, by their path
     * on the node; empty when the run wrote no node files.
     */
    static Map<String, byte[]> installedFiles(Path outputDirectory, String runtime) {
        Path nodes = outputDirectory.resolve("nodes");
        Path readme = nodes.resolve("README.md");
        Map<String, byte[]> files = new TreeMap<>();
        if (!Files.exists(readme)) {
            return files;
        }
        try {
            boolean inSection = false;
            for (String line : Files.readAllLines(readme, StandardCharsets.UTF_8)) {
                if (line.startsWith("### ")) {
                    inSection = line.startsWith("### " + runtime);
                    continue;
                }
                Matcher install = INSTALL.matcher(line.strip());
                if (inSection && install.matches()) {
                    files.put(install.group(2), Files.readAllBytes(nodes.resolve(install.group(1))));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** The files containerd's section installs. */
    public static Map<String, byte[]> containerdFiles(Path outputDirectory) {
        return installedFiles(outputDirectory, "containerd");
    }

    /**
     * Runs the plan's {@code kubectl create secret docker-registry} commands with this login: each Secret as kubectl
     * makes it ({@code .dockerconfigjson} with {@code username}, {@code password} and {@code auth} for the server).
     *
     * @return the Secrets created: namespace, name
     */
    static List<String[]> createSecrets(Plan plan, NodeSimulation node, String user, String password) {
        List<String[]> created = new ArrayList<>();
        Object secrets = plan.nodes().get("secrets");
        if (!(secrets instanceof List<?> list)) {
            return created;
        }
        for (Object secret : list) {
            String command = String.valueOf(((Map<?, ?>) secret).get("create"));
            Matcher create = CREATE.matcher(command);
            if (!create.matches()) {
                throw new AssertionError("Not a kubectl create secret docker-registry command: " + command);
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("username", user);
            entry.put("password", password);
            entry.put(
                    "auth",
                    Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
            String json = tools.jackson.databind.json.JsonMapper.builder()
                    .build()
                    .writeValueAsString(Map.of("auths", Map.of(create.group(3), entry)));
            node.withClusterSecret(
                    create.group(2),
                    create.group(1),
                    Map.of(".dockerconfigjson", json.getBytes(StandardCharsets.UTF_8)));
            if (create.group(2).equals(io.falcooffline.core.render.HelmRenderer.DEFAULT_NAMESPACE)) {
                node.withClusterSecret(
                        create.group(1), Map.of(".dockerconfigjson", json.getBytes(StandardCharsets.UTF_8)));
            }
            created.add(new String[] {create.group(2), create.group(1)});
        }
        return created;
    }
}
