package io.falcooffline.core.node;

import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.render.RenderedManifests;
import io.falcooffline.core.testing.SyntheticArtifacts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decides whether the Falco pod of a rendered chart starts on a node of one platform that reaches nothing but one
 * registry, the way kubelet, falcoctl 0.13.0 and Falco 0.44.0 would. Each step cites the upstream source it follows.
 *
 * <ol>
 *   <li>The driver-loader init container loads a driver for the node's kernel ({@link DriverLoaderSimulation}).
 *   <li>kubelet and containerd pull every image of every pod the chart runs, with the pod's image pull secrets and
 *       the trust the node's {@code certs.d} files configure ({@link ImagePulls}); every container image of the Falco
 *       pod resolves on that registry for the node's platform (containerd's platform matcher).
 *   <li>falcoctl (init container {@code falcoctl-artifact-install}, sidecar {@code falcoctl-artifact-follow}): every
 *       index is fetched before anything else ({@code cmd/artifact/artifact.go} PersistentPreRunE,
 *       {@code pkg/index/fetch/fetch.go}: http(s) or file backends, a failed fetch aborts); it speaks HTTPS unless
 *       {@code --plain-http} is among its args ({@code pkg/options/registry.go}), trusting the roots of
 *       {@code SSL_CERT_FILE} or else the system's ({@link GoTlsTrust}); refs resolve through the index or
 *       are full references ({@code pkg/index/index/index.go} ResolveReference); the puller picks the manifest of
 *       its own os/architecture from an OCI index ({@code pkg/oci/puller/puller.go}); the layer's media type must be
 *       an allowed type and its title names the file; dependencies come from the config blob
 *       ({@code cmd/artifact/install/deps.go}: same major and at least the version, or an alternative, else an index
 *       lookup of {@code name:version}); a signature is checked online when an index entry of that name has one and
 *       {@code artifact.noVerify} is off ({@code internal/cosign/verify.go}), which fails offline; files extract into
 *       {@code pluginsDir}/{@code rulesfilesDir} ({@code internal/utils/extract.go}).
 *   <li>Falco's file system is the image's layers under the pod's mounts, falcoctl's emptyDirs filled. Falco reads
 *       {@code /etc/falco/falco.yaml} and then every {@code config_files} entry, sequences appended
 *       ({@code userspace/falco/configuration.cpp}, merge strategy {@code append}); every {@code load_plugins} name
 *       needs a {@code plugins} entry ("Cannot load plugin '…': plugin config not found for given name",
 *       {@code configuration.cpp} load_yaml); a relative {@code library_path} resolves under
 *       {@code /usr/share/falco/plugins} ({@code configuration.h}); the library must exist and be built for the node;
 *       {@code rules_files} entries that do not exist are skipped, and at least one must remain
 *       ({@code configuration.cpp}, {@code app/actions/load_rules_files.cpp}); a rules file's
 *       {@code required_plugin_versions} need the plugin loaded.
 * </ol>
 */
public final class NodeSimulation {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String FALCO_PLUGINS_DIR = "/usr/share/falco/plugins";
    private static final String PLUGIN_LAYER = "application/vnd.cncf.falco.plugin.layer.v1+tar.gz";
    private static final String RULESFILE_LAYER = "application/vnd.cncf.falco.rulesfile.layer.v1+tar.gz";
    private static final String TITLE = "org.opencontainers.image.title";

    private final String registryHost;
    private final OciStore registry;
    private final boolean registryPlainHttp;
    private final String os;
    private final String architecture;
    private final Map<String, Map<String, byte[]>> clusterSecrets = new LinkedHashMap<>();
    private final Map<String, Map<String, Map<String, byte[]>>> secretsByNamespace = new LinkedHashMap<>();
    private final Map<String, byte[]> nodeFiles = new TreeMap<>();
    private boolean registryRequiresLogin;
    private DriverLoaderSimulation.NodeKernel kernel = DriverLoaderSimulation.NodeKernel.modern();
    private Optional<DriverLoaderSimulation.Outcome> driverLoader = Optional.empty();

    /**
     * @param registryHost the one registry the node reaches, {@code host:port}
     * @param registry a client of it
     * @param registryPlainHttp whether it speaks plain HTTP only
     * @param platform the node's platform, e.g. {@code linux/arm64}
     */
    public NodeSimulation(String registryHost, OciStore registry, boolean registryPlainHttp, String platform) {
        this.registryHost = registryHost;
        this.registry = registry;
        this.registryPlainHttp = registryPlainHttp;
        String[] parts = platform.split("/");
        this.os = parts[0];
        this.architecture = parts[1];
    }

    /** The registry answers only a Basic login: falcoctl must bring one that works. */
    public NodeSimulation requiringLogin() {
        this.registryRequiresLogin = true;
        return this;
    }

    /** The node's kernel, for the driver loader ({@link DriverLoaderSimulation}); a 6.8 kernel with BTF unless set. */
    public NodeSimulation withKernel(DriverLoaderSimulation.NodeKernel nodeKernel) {
        this.kernel = nodeKernel;
        return this;
    }

    /** What the driver-loader init container did in the last run; empty when the pod has none. */
    public Optional<DriverLoaderSimulation.Outcome> driverLoader() {
        return driverLoader;
    }

    /**
     * A Secret that exists in the release namespace {@code falco} (created by the user, not by the chart): its data by
     * key.
     */
    public NodeSimulation withClusterSecret(String name, Map<String, byte[]> data) {
        clusterSecrets.put(name, Map.copyOf(data));
        return withClusterSecret(io.falcooffline.core.render.HelmRenderer.DEFAULT_NAMESPACE, name, data);
    }

    /** A Secret that exists in the cluster in that namespace, for image pulls ({@link ImagePulls}). */
    public NodeSimulation withClusterSecret(String namespace, String name, Map<String, byte[]> data) {
        secretsByNamespace
                .computeIfAbsent(namespace, n -> new LinkedHashMap<>())
                .put(name, Map.copyOf(data));
        return this;
    }

    /** Files installed on the node, absolute path to content, e.g. containerd's {@code certs.d} ({@link NodeSetup}). */
    public NodeSimulation withNodeFiles(Map<String, byte[]> files) {
        nodeFiles.putAll(files);
        return this;
    }

    /**
     * The verdict.
     *
     * @param failures why Falco would not start (or a container would fail), empty when it starts
     * @param falcoFiles the Falco container's file system, path to bytes
     * @param loadedPlugins the plugins Falco loads, name to library path
     * @param rulesFiles the rules files Falco reads
     */
    public record Verdict(
            List<String> failures,
            Map<String, byte[]> falcoFiles,
            Map<String, String> loadedPlugins,
            List<String> rulesFiles) {

        public boolean starts() {
            return failures.isEmpty();
        }
    }

    /** Simulates the Falco pod of the rendered chart; {@code requiredRules} must be among the rules Falco reads. */
    public Verdict run(RenderedManifests manifests, List<String> requiredRules) {
        List<String> failures =
                new ArrayList<>(new ImagePulls(registryHost, os + "/" + architecture, secretsByNamespace, nodeFiles)
                        .failures(manifests));
        Map<String, Object> pod = falcoPodSpec(manifests);
        List<Map<String, Object>> containers = new ArrayList<>();
        containers.addAll(maps(pod.get("initContainers")));
        containers.addAll(maps(pod.get("containers")));
        Map<String, Map<String, Object>> volumes = new LinkedHashMap<>();
        maps(pod.get("volumes")).forEach(volume -> volumes.put(String.valueOf(volume.get("name")), volume));

        Map<String, Manifest> images = new LinkedHashMap<>();
        for (Map<String, Object> container : containers) {
            String image = String.valueOf(container.get("image"));
            resolveImage(image, failures)
                    .ifPresent(manifest -> images.put(String.valueOf(container.get("name")), manifest));
        }

        driverLoader = Optional.empty();
        for (Map<String, Object> container : containers) {
            String name = String.valueOf(container.get("name"));
            if (name.endsWith("-driver-loader") && images.containsKey(name)) {
                OciReference image = OciReference.parse(String.valueOf(container.get("image")));
                Map<String, byte[]> loaderFiles = new TreeMap<>(imageFiles(image, images.get(name)));
                mount(loaderFiles, container, volumes, Map.of(), manifests);
                JsonNode config = json(blob(
                        image.repository(),
                        descriptor(json(images.get(name).bytes()).path("config"))));
                DriverLoaderSimulation.Outcome outcome =
                        DriverLoaderSimulation.run(container, loaderFiles, config, kernel, architecture);
                outcome.failure().ifPresent(failures::add);
                driverLoader = Optional.of(outcome);
            }
        }

        // What falcoctl writes into each volume, by volume name then path inside it.
        Map<String, Map<String, byte[]>> volumeContent = new LinkedHashMap<>();
        for (Map<String, Object> container : containers) {
            String name = String.valueOf(container.get("name"));
            if (name.equals("falcoctl-artifact-install")) {
                falcoctl(manifests, container, "install", volumes, volumeContent, failures);
            } else if (name.equals("falcoctl-artifact-follow")) {
                falcoctl(manifests, container, "follow", volumes, new LinkedHashMap<>(), failures);
            }
        }

        Map<String, Object> falcoContainer = containers.stream()
                .filter(c -> "falco".equals(c.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no falco container in " + pod));
        Map<String, byte[]> files = new TreeMap<>();
        Manifest falcoImage = images.get("falco");
        if (falcoImage != null) {
            files.putAll(imageFiles(OciReference.parse(String.valueOf(falcoContainer.get("image"))), falcoImage));
        }
        mount(files, falcoContainer, volumes, volumeContent, manifests);
        return falco(files, requiredRules, failures);
    }

    private Map<String, Object> falcoPodSpec(RenderedManifests manifests) {
        for (String kind : List.of("DaemonSet", "Deployment")) {
            for (var manifest : manifests.ofKind(kind)) {
                Object spec = RenderedManifests.valueAt(manifest.content(), "spec", "template", "spec");
                if (spec instanceof Map<?, ?> map
                        && maps(map.get("containers")).stream().anyMatch(c -> "falco".equals(c.get("name")))) {
                    return cast(map);
                }
            }
        }
        throw new AssertionError("The render has no Falco DaemonSet or Deployment");
    }

    /** Resolves an image for the node's platform; only the one registry is reachable. */
    private Optional<Manifest> resolveImage(String image, List<String> failures) {
        OciReference reference = OciReference.parse(image);
        if (!reference.registry().equals(registryHost)) {
            failures.add("image " + image + ": registry " + reference.registry() + " is not reachable from the node");
            return Optional.empty();
        }
        String tag = reference.digest() != null
                ? reference.digest()
                : reference.effectiveTag().orElse("latest");
        if (registry.resolve(reference.repository(), tag).isEmpty()) {
            failures.add("image " + image + ": not found on " + registryHost);
            return Optional.empty();
        }
        Manifest root = registry.fetchManifest(reference.repository(), tag);
        if (!isIndex(root)) {
            return Optional.of(root);
        }
        for (JsonNode entry : json(root.bytes()).path("manifests")) {
            JsonNode platform = entry.path("platform");
            if (os.equals(platform.path("os").asString(""))
                    && architecture.equals(platform.path("architecture").asString(""))) {
                return Optional.of(registry.fetchManifest(
                        reference.repository(), entry.path("digest").asString()));
            }
        }
        failures.add("image " + image + ": no manifest for " + os + "/" + architecture);
        return Optional.empty();
    }

    private void falcoctl(
            RenderedManifests manifests,
            Map<String, Object> container,
            String command,
            Map<String, Map<String, Object>> volumes,
            Map<String, Map<String, byte[]>> volumeContent,
            List<String> failures) {
        String who = "falcoctl " + command;
        List<String> args = strings(container.get("args"));
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> variable : maps(container.get("env"))) {
            env.put(String.valueOf(variable.get("name")), String.valueOf(variable.get("value")));
        }
        Map<String, Object> config = manifests
                .falcoctlConfig()
                .orElseThrow(() -> new AssertionError("falcoctl runs but its ConfigMap is not rendered"));
        boolean plainHttp = args.contains("--plain-http");

        // cmd/artifact/artifact.go: the index cache is built before the command runs; a failed fetch aborts.
        Map<String, Map<String, Object>> indexEntries = new LinkedHashMap<>();
        for (Map<String, Object> index : maps(config.get("indexes"))) {
            String url = String.valueOf(index.get("url"));
            if (url.startsWith("file://")) {
                Optional<byte[]> file = containerFile(container, volumes, manifests, url.substring("file://".length()));
                if (file.isEmpty()) {
                    failures.add(who + ": index file " + url + " is not in the container");
                    return;
                }
                for (Object entry : (List<?>) yaml(new String(file.get(), StandardCharsets.UTF_8))) {
                    indexEntries.put(String.valueOf(((Map<?, ?>) entry).get("name")), cast((Map<?, ?>) entry));
                }
            } else {
                failures.add(who + ": fetches index " + url + " at start-up, which the node cannot reach; the"
                        + " command aborts");
                return;
            }
        }
        if (registryPlainHttp && !plainHttp) {
            failures.add(who + ": speaks HTTPS to " + registryHost + ", which serves plain HTTP (no --plain-http in"
                    + " args " + args + ")");
            return;
        }
        if (!registryPlainHttp) {
            String certFile = env.get("SSL_CERT_FILE");
            Optional<byte[]> roots =
                    certFile == null ? Optional.empty() : containerFile(container, volumes, manifests, certFile);
            if (certFile != null && roots.isEmpty()) {
                failures.add(who + ": SSL_CERT_FILE " + certFile + " is not in the container");
                return;
            }
            Optional<String> problem = GoTlsTrust.handshakeProblem(registryHost, roots);
            if (problem.isPresent()) {
                failures.add(who + ": tls handshake with " + registryHost + " failed: " + problem.get()
                        + (certFile == null
                                ? " (no SSL_CERT_FILE: the system's roots)"
                                : " (roots from " + certFile + ")"));
                return;
            }
            if (registryRequiresLogin) {
                Optional<String> refused = login(who, container, volumes, manifests, config, roots);
                if (refused.isPresent()) {
                    failures.add(refused.get());
                    return;
                }
            }
        }
        boolean noVerify = Boolean.TRUE.equals(valueAt(config, "artifact", "noVerify"))
                || args.contains("--no-verify")
                || "true".equals(env.get("FALCOCTL_ARTIFACT_NOVERIFY"));
        List<String> allowedTypes = strings(valueAt(config, "artifact", "allowedTypes"));
        List<String> refs = strings(valueAt(config, "artifact", command, "refs"));
        Object resolveDepsSetting = valueAt(config, "artifact", "install", "resolveDeps");
        boolean resolveDeps = command.equals("install") && !Boolean.FALSE.equals(resolveDepsSetting);

        Map<String, Installed> installed = new LinkedHashMap<>();
        List<String> queue = new ArrayList<>(refs);
        for (int i = 0; i < queue.size() && i < 64; i++) {
            String ref = queue.get(i);
            Optional<Installed> pulled = pull(who, ref, indexEntries, allowedTypes, noVerify, failures);
            if (pulled.isEmpty()) {
                return;
            }
            Installed artifact = pulled.get();
            Installed existing = installed.get(artifact.name);
            if (existing == null || compare(artifact.version, existing.version) > 0) {
                installed.put(artifact.name, artifact);
            }
            if (!resolveDeps || i < refs.size() - 1) {
                continue;
            }
            // deps.go runs once the explicit refs are in: every dependency not satisfied is looked up by name:version.
            for (Installed candidate : List.copyOf(installed.values())) {
                for (JsonNode dependency : candidate.config.path("dependencies")) {
                    String name = dependency.path("name").asString("");
                    String version = dependency.path("version").asString("");
                    if (satisfied(installed, name, version) || alternativeSatisfied(installed, dependency)) {
                        continue;
                    }
                    Installed have = installed.get(name);
                    if (have != null && major(have.version) != major(version)) {
                        failures.add(who + ": " + candidate.name + " needs " + name + " " + version + " but "
                                + have.version + " is installed (different major)");
                        return;
                    }
                    String lookup = name + ":" + version;
                    if (!queue.contains(lookup)) {
                        queue.add(lookup);
                    }
                }
            }
        }
        String pluginsDir = String.valueOf(valueAt(config, "artifact", command, "pluginsDir"));
        String rulesDir = String.valueOf(valueAt(config, "artifact", command, "rulesfilesDir"));
        for (Installed artifact : installed.values()) {
            String directory = artifact.plugin ? pluginsDir : rulesDir;
            Optional<String> volume = volumeMountedAt(container, directory);
            if (volume.isEmpty()) {
                failures.add(who + ": " + directory + " is not a volume shared with Falco");
                continue;
            }
            Map<String, byte[]> content = volumeContent.computeIfAbsent(volume.get(), v -> new TreeMap<>());
            artifact.files.forEach(content::put);
        }
    }

    /** What falcoctl installed of one artifact. */
    private record Installed(String name, String version, boolean plugin, JsonNode config, Map<String, byte[]> files) {}

    private Optional<Installed> pull(
            String who,
            String ref,
            Map<String, Map<String, Object>> indexEntries,
            List<String> allowedTypes,
            boolean noVerify,
            List<String> failures) {
        OciReference reference;
        if (ref.contains("/") && OciReference.isValid(ref)) {
            reference = OciReference.parse(ref);
            if (reference.tag() == null && reference.digest() == null) {
                reference = reference.withTag("latest");
            }
        } else {
            String name = ref.contains(":") ? ref.substring(0, ref.indexOf(':')) : ref;
            Map<String, Object> entry = indexEntries.get(name);
            if (entry == null) {
                failures.add(who + ": cannot resolve '" + ref + "': no index has an entry named " + name);
                return Optional.empty();
            }
            reference = OciReference.parse(entry.get("registry") + "/" + entry.get("repository") + ":"
                    + (ref.contains(":") ? ref.substring(ref.indexOf(':') + 1) : "latest"));
        }
        if (!reference.registry().equals(registryHost)) {
            failures.add(who + ": " + ref + " is on " + reference.registry() + ", which the node cannot reach");
            return Optional.empty();
        }
        String tag = reference.digest() != null ? reference.digest() : reference.tag();
        if (registry.resolve(reference.repository(), tag).isEmpty()) {
            failures.add(who + ": " + reference + " does not exist on " + registryHost);
            return Optional.empty();
        }
        Manifest root = registry.fetchManifest(reference.repository(), tag);
        Manifest manifest = root;
        if (isIndex(root)) {
            manifest = null;
            for (JsonNode entry : json(root.bytes()).path("manifests")) {
                JsonNode platform = entry.path("platform");
                if (os.equals(platform.path("os").asString(""))
                        && architecture.equals(platform.path("architecture").asString(""))) {
                    manifest = registry.fetchManifest(
                            reference.repository(), entry.path("digest").asString());
                }
            }
            if (manifest == null) {
                failures.add(who + ": " + reference + ": unable to find a manifest matching the given platform " + os
                        + "/" + architecture);
                return Optional.empty();
            }
        }
        JsonNode json = json(manifest.bytes());
        JsonNode layer = json.path("layers").path(0);
        String layerType = layer.path("mediaType").asString("");
        boolean plugin = layerType.equals(PLUGIN_LAYER);
        String type = plugin ? "plugin" : layerType.equals(RULESFILE_LAYER) ? "rulesfile" : "";
        if (type.isEmpty() || !allowedTypes.contains(type)) {
            failures.add(who + ": " + reference + " has type '" + layerType + "', not in allowedTypes " + allowedTypes);
            return Optional.empty();
        }
        if (layer.path("annotations").path(TITLE).asString("").isEmpty()) {
            failures.add(who + ": " + reference + " has no layer title");
            return Optional.empty();
        }
        JsonNode config = json(blob(reference.repository(), descriptor(json.path("config"))));
        String name = config.path("name").asString("");
        Map<String, Object> entry = indexEntries.get(name);
        if (!noVerify && entry != null && entry.get("signature") != null) {
            failures.add(who + ": " + name + " has a cosign signature in the index and noVerify is off: the"
                    + " verifier fetches Sigstore's TUF root, Fulcio and Rekor online");
            return Optional.empty();
        }
        Map<String, byte[]> files = untar(blob(reference.repository(), descriptor(layer)));
        return Optional.of(new Installed(name, config.path("version").asString(""), plugin, config, files));
    }

    private static boolean satisfied(Map<String, Installed> installed, String name, String version) {
        Installed have = installed.get(name);
        return have != null && major(have.version) == major(version) && compare(have.version, version) >= 0;
    }

    private static boolean alternativeSatisfied(Map<String, Installed> installed, JsonNode dependency) {
        for (JsonNode alternative : dependency.path("alternatives")) {
            if (satisfied(
                    installed,
                    alternative.path("name").asString(""),
                    alternative.path("version").asString(""))) {
                return true;
            }
        }
        return false;
    }

    /** Applies the Falco container's mounts over the image's files, shorter paths first. */
    private void mount(
            Map<String, byte[]> files,
            Map<String, Object> container,
            Map<String, Map<String, Object>> volumes,
            Map<String, Map<String, byte[]>> volumeContent,
            RenderedManifests manifests) {
        List<Map<String, Object>> mounts = new ArrayList<>(maps(container.get("volumeMounts")));
        mounts.sort(
                Comparator.comparingInt(m -> String.valueOf(m.get("mountPath")).length()));
        for (Map<String, Object> mount : mounts) {
            String path = String.valueOf(mount.get("mountPath"));
            String volumeName = String.valueOf(mount.get("name"));
            Map<String, byte[]> content =
                    volumeFiles(volumes.get(volumeName), volumeContent.get(volumeName), manifests);
            files.keySet().removeIf(file -> file.equals(path) || file.startsWith(path + "/"));
            Object subPath = mount.get("subPath");
            if (subPath != null) {
                byte[] file = content.get(String.valueOf(subPath));
                if (file != null) {
                    files.put(path, file);
                }
                continue;
            }
            // An empty directory still exists: mark it so a rules_files directory entry is found.
            files.put(path + "/", new byte[0]);
            content.forEach((relative, bytes) -> files.put(path + "/" + relative, bytes));
        }
    }

    private Map<String, byte[]> volumeFiles(
            Map<String, Object> volume, Map<String, byte[]> written, RenderedManifests manifests) {
        Map<String, byte[]> files = new TreeMap<>();
        if (volume == null) {
            return files;
        }
        if (volume.get("configMap") instanceof Map<?, ?> configMap) {
            String name = String.valueOf(configMap.get("name"));
            var found = manifests.ofKind("ConfigMap").stream()
                    .filter(m -> m.name().equals(name))
                    .findFirst();
            if (found.isPresent() && found.get().content().get("data") instanceof Map<?, ?> data) {
                List<Map<String, Object>> items = maps(configMap.get("items"));
                if (items.isEmpty()) {
                    data.forEach((key, value) -> files.put(String.valueOf(key), utf8(String.valueOf(value))));
                } else {
                    for (Map<String, Object> item : items) {
                        Object value = data.get(item.get("key"));
                        if (value != null) {
                            files.put(String.valueOf(item.get("path")), utf8(String.valueOf(value)));
                        }
                    }
                }
            }
        }
        // kubelet mounts a Secret volume from the cluster's Secret, keys as files or as its items say.
        if (volume.get("secret") instanceof Map<?, ?> secret) {
            Map<String, byte[]> data = clusterSecrets.getOrDefault(String.valueOf(secret.get("secretName")), Map.of());
            List<Map<String, Object>> items = maps(secret.get("items"));
            if (items.isEmpty()) {
                files.putAll(data);
            } else {
                for (Map<String, Object> item : items) {
                    byte[] value = data.get(String.valueOf(item.get("key")));
                    if (value != null) {
                        files.put(String.valueOf(item.get("path")), value);
                    }
                }
            }
        }
        if (written != null) {
            files.putAll(written);
        }
        return files;
    }

    /**
     * falcoctl's login from its credentials store: {@code registry.creds.config} names a Docker config file
     * ({@code pkg/options/registry.go}); its {@code auths} entry for the registry holds {@code user:password} in
     * base64. The login is tried for real against the registry.
     */
    private Optional<String> login(
            String who,
            Map<String, Object> container,
            Map<String, Map<String, Object>> volumes,
            RenderedManifests manifests,
            Map<String, Object> config,
            Optional<byte[]> roots) {
        Object store = valueAt(config, "registry", "creds", "config");
        if (store == null) {
            return Optional.of(who + ": " + registryHost + " asks for a login, and falcoctl's config names no"
                    + " credentials store (registry.creds.config)");
        }
        Optional<byte[]> file = containerFile(container, volumes, manifests, String.valueOf(store));
        if (file.isEmpty()) {
            return Optional.of(who + ": credentials store " + store + " is not in the container (is its Secret in"
                    + " the cluster?)");
        }
        JsonNode auth =
                JSON.readTree(file.get()).path("auths").path(registryHost).path("auth");
        if (!auth.isString()) {
            return Optional.of(who + ": credentials store " + store + " has no login for " + registryHost);
        }
        int status = GoTlsTrust.statusOfApiRoot(registryHost, roots, "Basic " + auth.asString());
        return status == 200
                ? Optional.empty()
                : Optional.of(who + ": " + registryHost + " refused the login from " + store + " (" + status + ")");
    }

    private Optional<byte[]> containerFile(
            Map<String, Object> container,
            Map<String, Map<String, Object>> volumes,
            RenderedManifests manifests,
            String path) {
        Map<String, byte[]> files = new TreeMap<>();
        mount(files, container, volumes, Map.of(), manifests);
        return Optional.ofNullable(files.get(path));
    }

    private static Optional<String> volumeMountedAt(Map<String, Object> container, String path) {
        return maps(container.get("volumeMounts")).stream()
                .filter(mount -> path.equals(String.valueOf(mount.get("mountPath"))))
                .map(mount -> String.valueOf(mount.get("name")))
                .findFirst();
    }

    /** Falco's start-up: configuration, plugins, rules. */
    private Verdict falco(Map<String, byte[]> files, List<String> requiredRules, List<String> failures) {
        byte[] mainConfig = files.get("/etc/falco/falco.yaml");
        Map<String, String> loaded = new LinkedHashMap<>();
        List<String> rulesRead = new ArrayList<>();
        if (mainConfig == null) {
            failures.add("falco: /etc/falco/falco.yaml does not exist");
            return new Verdict(List.copyOf(failures), files, loaded, rulesRead);
        }
        Map<String, Object> config = cast((Map<?, ?>) yaml(new String(mainConfig, StandardCharsets.UTF_8)));
        List<String> configFiles = config.containsKey("config_files")
                ? strings(config.get("config_files"))
                : List.of("/etc/falco/config.d");
        for (String configFile : configFiles) {
            for (String file : filesAt(files, configFile)) {
                Object extra = yaml(new String(files.get(file), StandardCharsets.UTF_8));
                if (extra instanceof Map<?, ?> map) {
                    config = appendMerge(config, cast(map));
                }
            }
        }
        Map<String, Map<String, Object>> plugins = new LinkedHashMap<>();
        maps(config.get("plugins")).forEach(plugin -> plugins.putIfAbsent(String.valueOf(plugin.get("name")), plugin));
        for (String name : strings(config.get("load_plugins"))) {
            Map<String, Object> plugin = plugins.get(name);
            if (plugin == null) {
                failures.add("falco: Cannot load plugin '" + name + "': plugin config not found for given name");
                continue;
            }
            String library = String.valueOf(plugin.get("library_path"));
            String path = library.startsWith("/") ? library : FALCO_PLUGINS_DIR + "/" + library;
            byte[] bytes = files.get(path);
            if (bytes == null) {
                failures.add("falco: plugin " + name + ": " + path + " does not exist");
                continue;
            }
            Optional<String> built = SyntheticArtifacts.elfArchitecture(bytes);
            if (!built.equals(Optional.of(architecture))) {
                failures.add("falco: plugin " + name + ": " + path + " is built for " + built.orElse("no known machine")
                        + ", not " + architecture);
                continue;
            }
            loaded.put(name, path);
        }
        for (String entry : strings(config.get("rules_files"))) {
            rulesRead.addAll(filesAt(files, entry));
        }
        if (rulesRead.isEmpty()) {
            failures.add("falco: none of rules_files " + strings(config.get("rules_files")) + " exists");
        }
        for (String required : requiredRules) {
            if (!rulesRead.contains(required)) {
                failures.add(
                        "falco: the required rules file " + required + " is not read (rules read: " + rulesRead + ")");
            }
        }
        for (String rules : rulesRead) {
            Object parsed = yaml(new String(files.get(rules), StandardCharsets.UTF_8));
            for (Map<String, Object> item : maps(parsed)) {
                for (Map<String, Object> plugin : maps(item.get("required_plugin_versions"))) {
                    String name = String.valueOf(plugin.get("name"));
                    if (!loaded.containsKey(name)) {
                        failures.add("falco: " + rules + " requires plugin " + name + ", which is not loaded");
                    }
                }
            }
        }
        return new Verdict(List.copyOf(failures), files, loaded, rulesRead);
    }

    /** The YAML files a path names: the file itself, or a directory's {@code *.yaml}/{@code *.yml} files, sorted. */
    private static List<String> filesAt(Map<String, byte[]> files, String path) {
        if (files.containsKey(path) && !path.endsWith("/")) {
            return path.endsWith(".yaml") || path.endsWith(".yml") ? List.of(path) : List.of();
        }
        String prefix = path.endsWith("/") ? path : path + "/";
        Set<String> children = new LinkedHashSet<>();
        for (String file : files.keySet()) {
            if (file.startsWith(prefix)
                    && !file.substring(prefix.length()).contains("/")
                    && (file.endsWith(".yaml") || file.endsWith(".yml"))) {
                children.add(file);
            }
        }
        return List.copyOf(children);
    }

    private static Map<String, Object> appendMerge(Map<String, Object> base, Map<String, Object> extra) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        extra.forEach((key, value) -> {
            Object existing = merged.get(key);
            if (existing instanceof List<?> list && value instanceof List<?> more) {
                List<Object> appended = new ArrayList<>(list);
                appended.addAll(more);
                merged.put(key, appended);
            } else if (existing instanceof Map<?, ?> map && value instanceof Map<?, ?> more) {
                merged.put(key, appendMerge(cast(map), cast(more)));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    private Map<String, byte[]> imageFiles(OciReference image, Manifest manifest) {
        Map<String, byte[]> files = new TreeMap<>();
        for (JsonNode layer : json(manifest.bytes()).path("layers")) {
            untar(blob(image.repository(), descriptor(layer))).forEach((path, bytes) -> files.put("/" + path, bytes));
        }
        return files;
    }

    private byte[] blob(String repository, Descriptor descriptor) {
        try (InputStream in = registry.fetchBlob(repository, descriptor)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, byte[]> untar(byte[] tarGz) {
        Map<String, byte[]> files = new TreeMap<>();
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new GzipCompressorInputStream(new java.io.ByteArrayInputStream(tarGz)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                if (entry.isFile()) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    tar.transferTo(out);
                    String name =
                            entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
                    files.put(name, out.toByteArray());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static Descriptor descriptor(JsonNode node) {
        return new Descriptor(
                node.path("mediaType").asString(""),
                node.path("digest").asString(""),
                node.path("size").asLong());
    }

    private static boolean isIndex(Manifest manifest) {
        String type = manifest.descriptor().mediaType();
        return type.equals(SyntheticArtifacts.OCI_INDEX) || type.equals(SyntheticArtifacts.DOCKER_MANIFEST_LIST);
    }

    private static JsonNode json(byte[] bytes) {
        return JSON.readTree(bytes);
    }

    private static Object yaml(String text) {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    }

    private static Object valueAt(Object root, Object... path) {
        return RenderedManifests.valueAt(root, path);
    }

    private static int major(String version) {
        return parts(version)[0];
    }

    private static int compare(String left, String right) {
        int[] a = parts(left);
        int[] b = parts(right);
        for (int i = 0; i < 3; i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return 0;
    }

    private static int[] parts(String version) {
        String[] text = version.replaceFirst("^v", "").split("[-+]")[0].split("\\.");
        int[] parts = new int[3];
        for (int i = 0; i < 3 && i < text.length; i++) {
            parts[i] = Integer.parseInt(text[i]);
        }
        return parts;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> strings(Object value) {
        List<String> strings = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(item -> strings.add(String.valueOf(item)));
        }
        return strings;
    }

    private static List<Map<String, Object>> maps(Object value) {
        List<Map<String, Object>> maps = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> map) {
                    maps.add(cast(map));
                }
            }
        }
        return maps;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
