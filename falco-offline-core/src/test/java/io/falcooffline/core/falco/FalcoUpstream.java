package io.falcooffline.core.falco;

import static io.falcooffline.core.testing.SyntheticArtifacts.utf8;

import io.falcooffline.core.oci.OciStore;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.testing.LocalRegistry;
import io.falcooffline.core.testing.SyntheticArtifact;
import io.falcooffline.core.testing.SyntheticArtifacts;
import io.falcooffline.core.testing.SyntheticArtifacts.Dependency;
import io.falcooffline.core.testing.SyntheticArtifacts.Platform;
import io.falcooffline.core.testing.SyntheticArtifacts.Requirement;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for ghcr.io and docker.io in one real local registry over plain HTTP: the Falco plugins, rules files
 * and images the chart pulls, in exactly the upstream formats, with the tags upstream CI pushes, plus a falcoctl
 * index whose entries name {@code ghcr.io} (reached through {@code registryMirrors}) and carry cosign signatures
 * like the public one.
 */
public final class FalcoUpstream implements AutoCloseable {

    static final String PLUGINS = "falcosecurity/plugins/plugin/";
    static final String RULESETS = "falcosecurity/plugins/ruleset/";
    static final String FALCO_RULES = "falcosecurity/rules/falco-rules";
    static final List<Platform> PLATFORMS = SyntheticArtifacts.PLUGIN_PLATFORMS;
    /** Falco 0.44.0's {@code config/falco.container_plugin.yaml}, with no trailing newline. */
    static final String CONTAINER_PLUGIN_YAML =
            "# Enable container plugin for linux non musl installation.\nload_plugins: [container]";

    /** Where the partial source keeps its copies: a registry that mirrored the rules further than the plugins. */
    static final String PARTIAL = "harbor/";

    final LocalRegistry registry;
    final Path indexFile;
    final Path partialIndexFile;

    private FalcoUpstream(LocalRegistry registry, Path indexFile, Path partialIndexFile) {
        this.registry = registry;
        this.indexFile = indexFile;
        this.partialIndexFile = partialIndexFile;
    }

    /** Starts the registry, publishes everything and writes {@code index.yaml} into the directory. */
    public static FalcoUpstream start(Path directory) {
        LocalRegistry registry = LocalRegistry.startPlain();
        try (OciStore store = new RegistryClient(registry.clientOptions().build())) {
            publish(store);
            publishPartial(store);
            Files.createDirectories(directory);
            Path index = directory.resolve("index.yaml");
            Files.writeString(index, indexYaml(), StandardCharsets.UTF_8);
            Path partialIndex = directory.resolve("partial-index.yaml");
            Files.writeString(partialIndex, indexYaml(PARTIAL), StandardCharsets.UTF_8);
            return new FalcoUpstream(registry, index, partialIndex);
        } catch (IOException e) {
            registry.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /** {@code ghcr.io=…,docker.io=…}: both upstream registries read from this one. */
    public Map<String, String> registryMirrors() {
        Map<String, String> mirrors = new LinkedHashMap<>();
        mirrors.put("ghcr.io", registry.host());
        mirrors.put("docker.io", registry.host());
        return mirrors;
    }

    /** {@code 127.0.0.1:<port>}. */
    public String host() {
        return registry.host();
    }

    /** The falcoctl index file, entries on ghcr.io. */
    public Path indexFile() {
        return indexFile;
    }

    /**
     * The falcoctl index of the partial source: the same names, on repositories under {@value #PARTIAL} that hold the
     * k8saudit rules up to 0.18.0 but the k8saudit plugin only up to 0.16.1 (and a 1.0.0 Falco 0.44.0 cannot load).
     */
    public Path partialIndexFile() {
        return partialIndexFile;
    }

    /**
     * Pushes, straight to a registry, the kind of image a user builds by hand for {@code custom_values.yaml}: the
     * Falco image with the k8saudit and json libraries of each platform and the k8saudit rules added.
     */
    public void pushHandBuiltImage(LocalRegistry target, String repository, String tag) {
        SyntheticArtifact image = SyntheticArtifacts.ociImage("falco", PLATFORMS, platform -> {
            Map<String, byte[]> files = new LinkedHashMap<>(falcoFiles(platform));
            files.put(
                    "usr/share/falco/plugins/libk8saudit.so",
                    SyntheticArtifacts.sharedLibrary(platform, "k8saudit0.16.1"));
            files.put("usr/share/falco/plugins/libjson.so", SyntheticArtifacts.sharedLibrary(platform, "json0.7.4"));
            files.put(
                    "etc/falco/k8s_audit_rules.yaml",
                    utf8("- required_plugin_versions:\n    - name: k8saudit\n"
                            + "      version: 0.7.0\n    - name: json\n      version: 0.7.0\n"));
            return files;
        });
        try (OciStore store = new RegistryClient(target.clientOptions().build())) {
            image.pushTo(store, repository, tag);
        }
    }

    /** Reads a reference written for ghcr.io or docker.io from this registry. */
    SourceStores sources(OciStore store) {
        return reference -> new SourceStores.Located(store, reference.repository());
    }

    OciStore client() {
        return new RegistryClient(registry.clientOptions().build());
    }

    private static void publish(OciStore store) {
        plugin(store, "k8saudit", "0.16.0", "3.11.0", "0.16.0");
        plugin(store, "k8saudit", "0.16.1", "3.11.0", "0.16.1", "0.16");
        plugin(store, "k8saudit", "0.18.0", "3.11.0", "0.18.0", "0.18", "0", "latest");
        // Newer, but for a plugin API Falco 0.44.0 does not have.
        plugin(store, "k8saudit", "1.0.0", "4.0.0", "1.0.0", "1.0", "1");
        plugin(store, "json", "0.7.0", "3.0.0", "0.7.0");
        plugin(store, "json", "0.7.4", "3.11.0", "0.7.4", "0.7", "0", "latest");
        plugin(store, "container", "0.7.1", "3.11.0", "0.7.1", "0.7", "0", "latest");
        plugin(store, "k8smeta", "0.4.1", "3.11.0", "0.4.1", "0.4", "0", "latest");

        publishRules(store, "");
        SyntheticArtifacts.falcoRules("5.1.0", "0.57.0", utf8("- rule: Terminal shell in container\n"))
                .pushTo(store, FALCO_RULES, "5.1.0", "5.1", "5", "latest");

        falcoImage().pushTo(store, "falcosecurity/falco", "0.44.0");
        SyntheticArtifacts.ociImage("falcoctl", PLATFORMS).pushTo(store, "falcosecurity/falcoctl", "0.13.0");
        SyntheticArtifacts.ociImage("falcoctl", PLATFORMS).pushTo(store, "falco/falcoctl", "0.13.0");
        driverLoaderImage().pushTo(store, "falcosecurity/falco-driver-loader", "0.44.0");
    }

    /** The partial source: k8saudit-rules 0.16.1 and 0.18.0, but k8saudit only up to 0.16.1 (and 1.0.0). */
    private static void publishPartial(OciStore store) {
        prefixedPlugin(store, PARTIAL, "k8saudit", "0.16.0", "3.11.0", "0.16.0");
        prefixedPlugin(store, PARTIAL, "k8saudit", "0.16.1", "3.11.0", "0.16.1", "0.16", "0", "latest");
        prefixedPlugin(store, PARTIAL, "k8saudit", "1.0.0", "4.0.0", "1.0.0", "1.0", "1");
        prefixedPlugin(store, PARTIAL, "json", "0.7.4", "3.11.0", "0.7.4", "0.7", "0", "latest");
        prefixedPlugin(store, PARTIAL, "container", "0.7.1", "3.11.0", "0.7.1", "0.7", "0", "latest");
        prefixedPlugin(store, PARTIAL, "k8smeta", "0.4.1", "3.11.0", "0.4.1", "0.4", "0", "latest");
        publishRules(store, PARTIAL);
        SyntheticArtifacts.falcoRules("5.1.0", "0.57.0", utf8("- rule: Terminal shell in container\n"))
                .pushTo(store, PARTIAL + FALCO_RULES, "5.1.0", "5.1", "5", "latest");
    }

    /** k8saudit-rules 0.16.1 (needs k8saudit 0.7.0, json 0.7.0) and 0.18.0 (needs k8saudit 0.18.0). */
    private static void publishRules(OciStore store, String prefix) {
        byte[] rules016 = utf8("- required_engine_version: 15\n- required_plugin_versions:\n"
                + "    - name: k8saudit\n      version: 0.7.0\n    - name: json\n      version: 0.7.0\n"
                + "- rule: Disallowed K8s User\n  condition: ka.user.name != admin\n  output: x\n  priority: WARNING\n"
                + "  source: k8s_audit\n");
        SyntheticArtifacts.k8sauditRules("0.16.1", rules016)
                .pushTo(store, prefix + RULESETS + "k8saudit", "0.16.1", "0.16");
        SyntheticArtifacts.rulesfile(
                        "k8saudit-rules",
                        "0.18.0",
                        "k8saudit-rules-0.18.0.tar.gz",
                        "k8s_audit_rules.yaml",
                        utf8("- required_plugin_versions:\n    - name: k8saudit\n      version: 0.18.0\n"),
                        List.of(new Dependency("json", "0.7.0"), new Dependency("k8saudit", "0.18.0")),
                        List.of(new Requirement("engine_version_semver", "0.15.0")),
                        SyntheticArtifacts.PLUGINS_SOURCE)
                .pushTo(store, prefix + RULESETS + "k8saudit", "0.18.0", "0.18", "0", "latest");
    }

    private static void plugin(OciStore store, String name, String version, String api, String... tags) {
        prefixedPlugin(store, "", name, version, api, tags);
    }

    private static void prefixedPlugin(
            OciStore store, String prefix, String name, String version, String api, String... tags) {
        SyntheticArtifacts.plugin(name, version, api).pushTo(store, prefix + PLUGINS + name, tags);
    }

    /**
     * The Falco 0.44.0 image as its Dockerfile and CMake install it: {@code /usr/bin/falco}, {@code /etc/falco/falco.yaml},
     * the container plugin and its {@code config.d} file, and the ISO 8601 time format file.
     */
    static SyntheticArtifact falcoImage() {
        return SyntheticArtifacts.ociImage("falco", PLATFORMS, FalcoUpstream::falcoFiles);
    }

    private static Map<String, byte[]> falcoFiles(Platform platform) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("etc/falco/falco.yaml", utf8("load_plugins: []\nconfig_files:\n  - /etc/falco/config.d\n"));
        files.put("etc/falco/falco_rules.yaml", utf8("- rule: bundled\n"));
        files.put("etc/falco/config.d/falco.container_plugin.yaml", utf8(CONTAINER_PLUGIN_YAML));
        files.put("etc/falco/config.d/falco.iso8601_timeformat.yaml", utf8("time_format_iso_8601: true\n"));
        files.put(
                "usr/share/falco/plugins/libcontainer.so",
                SyntheticArtifacts.sharedLibrary(platform, "container0.7.1"));
        return files;
    }

    /**
     * The driver-loader image of Falco 0.44.0 in miniature: built on the Falco debian image, which installs the
     * driver's sources as {@code /usr/src/falco-10.2.0+driver} (driver.cmake's DRIVER_VERSION), where falcoctl takes
     * the driver version from.
     */
    static SyntheticArtifact driverLoaderImage() {
        return SyntheticArtifacts.ociImage(
                "falco-driver-loader",
                PLATFORMS,
                platform -> Map.of(
                        "usr/src/falco-10.2.0+driver/dkms.conf", utf8("PACKAGE_NAME=\"falco\"\n"),
                        "docker-entrypoint.sh", utf8("#!/usr/bin/env bash\n")));
    }

    /** A falcoctl index in the public index's format, every entry on ghcr.io with a cosign signature. */
    static String indexYaml() {
        return indexYaml("");
    }

    /** The same index with every repository under a prefix. */
    static String indexYaml(String prefix) {
        StringBuilder yaml = new StringBuilder();
        entry(yaml, "k8saudit", "plugin", prefix + PLUGINS + "k8saudit");
        entry(yaml, "json", "plugin", prefix + PLUGINS + "json");
        entry(yaml, "container", "plugin", prefix + PLUGINS + "container");
        entry(yaml, "k8smeta", "plugin", prefix + PLUGINS + "k8smeta");
        entry(yaml, "k8saudit-rules", "rulesfile", prefix + RULESETS + "k8saudit");
        entry(yaml, "falco-rules", "rulesfile", prefix + FALCO_RULES);
        return yaml.toString();
    }

    private static void entry(StringBuilder yaml, String name, String type, String repository) {
        yaml.append("- name: ").append(name).append('\n');
        yaml.append("  type: ").append(type).append('\n');
        yaml.append("  registry: ghcr.io\n");
        yaml.append("  repository: ").append(repository).append('\n');
        yaml.append("  signature:\n    cosign:\n");
        yaml.append("        certificate-oidc-issuer: https://token.actions.githubusercontent.com\n");
        yaml.append("        certificate-identity-regexp: https://github.com/falcosecurity/\n");
    }

    static OciReference ghcr(String repositoryAndTag) {
        return OciReference.parse("ghcr.io/" + repositoryAndTag);
    }

    @Override
    public void close() {
        registry.close();
    }
}
