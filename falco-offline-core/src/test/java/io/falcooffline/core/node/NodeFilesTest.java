package io.falcooffline.core.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.testing.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node files: containerd's hosts.toml for a private CA and for plain HTTP, the CRI-O and Docker files, the README. */
class NodeFilesTest {

    private static final String REGISTRY = "192.168.5.96:30003";
    private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    @TempDir
    Path work;

    private static RegistryTrust privateCa() {
        return new RegistryTrust(REGISTRY, RegistryTrust.Kind.PRIVATE_CA, Optional.of(PEM));
    }

    private static RegistryTrust plainHttp() {
        return new RegistryTrust(REGISTRY, RegistryTrust.Kind.PLAIN_HTTP, Optional.empty());
    }

    private static PullSecrets harborPull() {
        return PullSecrets.of(REGISTRY, List.of(), Optional.of("harbor-pull"), true, true, List.of("falco"));
    }

    @Test
    void hostsTomlForAPrivateCaSpeaksHttpsAndNamesTheCaBesideIt() {
        String toml = ContainerdHosts.hostsToml(privateCa());

        assertThat(toml)
                .endsWith("server = \"https://192.168.5.96:30003\"\n\n"
                        + "[host.\"https://192.168.5.96:30003\"]\n"
                        + "  capabilities = [\"pull\", \"resolve\"]\n"
                        + "  ca = \"/etc/containerd/certs.d/192.168.5.96:30003/ca.crt\"\n");
        HostsTomlFile parsed = HostsTomlFile.parse(toml).orElseThrow();
        assertThat(parsed.server()).isEqualTo("https://192.168.5.96:30003");
        assertThat(parsed.hosts()).containsOnlyKeys("https://192.168.5.96:30003");
        assertThat(parsed.hosts().get("https://192.168.5.96:30003"))
                .containsEntry("ca", "/etc/containerd/certs.d/192.168.5.96:30003/ca.crt")
                .containsEntry("capabilities", List.of("pull", "resolve"));
    }

    @Test
    void hostsTomlForPlainHttpNamesAnHttpServerAndNoCa() {
        String toml = ContainerdHosts.hostsToml(plainHttp());

        assertThat(toml)
                .endsWith("server = \"http://192.168.5.96:30003\"\n\n"
                        + "[host.\"http://192.168.5.96:30003\"]\n"
                        + "  capabilities = [\"pull\", \"resolve\"]\n")
                .doesNotContain("ca =")
                .doesNotContain("skip_verify");
        assertThat(HostsTomlFile.parse(toml).orElseThrow().server()).isEqualTo("http://192.168.5.96:30003");
        assertThatThrownBy(() -> ContainerdHosts.hostsToml(
                        new RegistryTrust(REGISTRY, RegistryTrust.Kind.SYSTEM_CA, Optional.empty())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void containerdInstalledAsTheReadmeSaysUsesTheCaForTheRegistry() {
        NodeFiles.Prepared prepared = NodeFiles.prepare(privateCa(), harborPull());
        Map<String, byte[]> node = new LinkedHashMap<>();
        prepared.installs().forEach((path, nodePath) -> {
            if (path.startsWith("containerd/")) {
                node.put(nodePath, prepared.files().get(path));
            }
        });

        ContainerdRegistryHosts.Result hosts =
                ContainerdRegistryHosts.endpoints(REGISTRY, node, ContainerdRegistryHosts.DEFAULT_CONFIG_PATH);

        assertThat(hosts.error()).isEmpty();
        assertThat(hosts.endpoints()).hasSize(2).allSatisfy(endpoint -> {
            assertThat(endpoint.scheme()).isEqualTo("https");
            assertThat(endpoint.host()).isEqualTo(REGISTRY);
            assertThat(endpoint.path()).isEqualTo("/v2");
        });
        assertThat(new String(hosts.endpoints().get(0).caPems().get(0), StandardCharsets.US_ASCII))
                .isEqualTo(PEM);
        // Without the CA file beside it containerd refuses the configuration.
        node.remove("/etc/containerd/certs.d/192.168.5.96:30003/ca.crt");
        assertThat(ContainerdRegistryHosts.endpoints(REGISTRY, node, ContainerdRegistryHosts.DEFAULT_CONFIG_PATH)
                        .error())
                .hasValueSatisfying(error -> assertThat(error).contains("unable to read CA cert"));
        // Without any file containerd speaks HTTPS with the system's roots.
        assertThat(ContainerdRegistryHosts.endpoints(REGISTRY, Map.of(), ContainerdRegistryHosts.DEFAULT_CONFIG_PATH)
                        .endpoints())
                .singleElement()
                .satisfies(endpoint -> {
                    assertThat(endpoint.scheme()).isEqualTo("https");
                    assertThat(endpoint.caPems()).isEmpty();
                });
    }

    @Test
    void aPrivateCaGoesToEveryRuntimesCertsDirectory() {
        NodeFiles.Prepared prepared = NodeFiles.prepare(privateCa(), harborPull());

        assertThat(prepared.installs())
                .containsExactly(
                        Map.entry(
                                "containerd/etc/containerd/certs.d/192.168.5.96:30003/hosts.toml",
                                "/etc/containerd/certs.d/192.168.5.96:30003/hosts.toml"),
                        Map.entry(
                                "containerd/etc/containerd/certs.d/192.168.5.96:30003/ca.crt",
                                "/etc/containerd/certs.d/192.168.5.96:30003/ca.crt"),
                        Map.entry(
                                "cri-o/etc/containers/certs.d/192.168.5.96:30003/ca.crt",
                                "/etc/containers/certs.d/192.168.5.96:30003/ca.crt"),
                        Map.entry(
                                "docker/etc/docker/certs.d/192.168.5.96:30003/ca.crt",
                                "/etc/docker/certs.d/192.168.5.96:30003/ca.crt"));
        assertThat(prepared.paths()).last().isEqualTo(NodeFiles.README_FILE);
        String readme = new String(prepared.files().get(NodeFiles.README_FILE), StandardCharsets.UTF_8);
        assertThat(readme)
                .contains("install -D -m 0644 containerd/etc/containerd/certs.d/192.168.5.96:30003/hosts.toml"
                        + " /etc/containerd/certs.d/192.168.5.96:30003/hosts.toml")
                .contains("kubectl create secret docker-registry harbor-pull --namespace falco"
                        + " --docker-server=192.168.5.96:30003 --docker-username='<user>'"
                        + " --docker-password='<password>'")
                .contains("config_path = \"/etc/containerd/certs.d\"")
                .contains("[plugins.\"io.containerd.cri.v1.images\".registry]");
    }

    @Test
    void plainHttpIsAnInsecureRegistryForCriOAndDocker() {
        NodeFiles.Prepared prepared = NodeFiles.prepare(plainHttp(), harborPull());

        String dropIn = "cri-o/etc/containers/registries.conf.d/50-falco-offline-192.168.5.96_30003.conf";
        assertThat(prepared.paths())
                .containsExactly(
                        "containerd/etc/containerd/certs.d/192.168.5.96:30003/hosts.toml", dropIn, "README.md");
        assertThat(new String(prepared.files().get(dropIn), StandardCharsets.UTF_8))
                .contains("[[registry]]\nlocation = \"192.168.5.96:30003\"\ninsecure = true\n");
        assertThat(new String(prepared.files().get("README.md"), StandardCharsets.UTF_8))
                .contains("\"insecure-registries\": [\"192.168.5.96:30003\"]")
                .contains("systemctl reload crio");
    }

    @Test
    void writingReplacesTheDirectoryAsAWhole() throws IOException {
        Path nodes = work.resolve("out/nodes");
        Files.createDirectories(nodes.resolve("stale"));
        Files.writeString(nodes.resolve("stale/hosts.toml"), "old");

        NodeFiles.Written written = NodeFiles.write(nodes, NodeFiles.prepare(privateCa(), harborPull()));

        assertThat(nodes.resolve("stale")).doesNotExist();
        assertThat(written.files())
                .hasSize(5)
                .allSatisfy(file -> assertThat(file).isRegularFile());
        assertThat(nodes.resolve("containerd/etc/containerd/certs.d/192.168.5.96:30003/ca.crt"))
                .hasContent(PEM.strip());
    }

    @Test
    void theRegistryTrustReadsTheCaFileAndRefusesOneWithoutACertificate() throws IOException {
        TestCertificates certificates = TestCertificates.generate(Files.createDirectories(work.resolve("certs")));

        RegistryTrust trust = RegistryTrust.of(REGISTRY, false, Optional.of(certificates.caCertificate()));
        assertThat(trust.kind()).isEqualTo(RegistryTrust.Kind.PRIVATE_CA);
        assertThat(trust.caPem()).hasValueSatisfying(pem -> assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----"));
        assertThat(RegistryTrust.of(REGISTRY, true, Optional.of(certificates.caCertificate()))
                        .kind())
                .isEqualTo(RegistryTrust.Kind.PLAIN_HTTP);
        assertThat(RegistryTrust.of(REGISTRY, false, Optional.empty()).needsNodeFiles())
                .isFalse();

        Path notPem = Files.writeString(work.resolve("ca.txt"), "not a certificate");
        assertThatThrownBy(() -> RegistryTrust.of(REGISTRY, false, Optional.of(notPem)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("caFile")
                .hasMessageContaining(notPem.toString());
    }

    @Test
    void pullSecretsAddTheRegistrySecretUnlessTurnedOff() {
        PullSecrets both = PullSecrets.of(
                REGISTRY,
                List.of("other-pull", "harbor-pull"),
                Optional.of("harbor-pull"),
                true,
                true,
                List.of("falco"));
        assertThat(both.names()).containsExactly("other-pull", "harbor-pull");
        assertThat(both.usedBy("harbor-pull")).contains("kubelet").contains("falcoctl");

        PullSecrets off = PullSecrets.of(
                REGISTRY,
                List.of("other-pull"),
                Optional.of("harbor-pull"),
                false,
                true,
                List.of("falco", "monitoring"));
        assertThat(off.names()).containsExactly("other-pull");
        assertThat(off.required()).containsExactly("other-pull", "harbor-pull");
        assertThat(off.usedBy("harbor-pull")).isEqualTo("falcoctl (artifact pulls)");
        assertThat(off.lines())
                .hasSize(4)
                .anySatisfy(line -> assertThat(line)
                        .contains("must exist in namespace monitoring")
                        .contains("kubectl create secret docker-registry other-pull --namespace monitoring"));

        // delivery=baked: falcoctl does not run, so the Secret is a pull secret only, or not needed at all.
        PullSecrets baked =
                PullSecrets.of(REGISTRY, List.of(), Optional.of("harbor-pull"), true, false, List.of("falco"));
        assertThat(baked.usedBy("harbor-pull")).isEqualTo("kubelet (image pulls)");
        assertThat(PullSecrets.of(REGISTRY, List.of(), Optional.of("harbor-pull"), false, false, List.of("falco"))
                        .required())
                .isEmpty();
    }
}
