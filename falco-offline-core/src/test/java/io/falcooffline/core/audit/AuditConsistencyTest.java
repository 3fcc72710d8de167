package io.falcooffline.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.AuditMismatchException;
import io.falcooffline.core.AuditOptions;
import io.falcooffline.core.AuditTls;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.falco.FalcoValues;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditConsistencyTest {

    private static final AuditOptions OPTIONS =
            AuditOptions.builder().webhookAddress("10.0.0.5").build();

    @Test
    void shouldPassWithoutWarningsWhenProfileAppliedOverChartDefaults() {
        Map<String, Object> values = TestValues.withProfile(OPTIONS);

        List<String> warnings = AuditConsistency.check(values, OPTIONS, DeliveredRules.fromValues(values));

        assertThat(warnings).isEmpty();
        assertThat(AuditConsistency.webhookUrl(FalcoValues.of(values), OPTIONS))
                .isEqualTo("http://10.0.0.5:30007/k8s-audit");
    }

    @Test
    void shouldTellWhetherValuesSetUpTheWebhook() {
        assertThat(AuditConsistency.configuresWebhook(FalcoValues.of(TestValues.minimalChartDefaults())))
                .isFalse();
        assertThat(AuditConsistency.configuresWebhook(FalcoValues.of(TestValues.withProfile(OPTIONS))))
                .isTrue();
        assertThat(AuditConsistency.configuresWebhook(FalcoValues.of(TestValues.coalesce(
                        TestValues.minimalChartDefaults(),
                        TestValues.yaml("services: [{name: k8saudit-webhook, ports: [{port: 9765}]}]")))))
                .isTrue();
    }

    @Test
    void shouldTellFromWhatFalcoLoadsNotFromWhatItListsWhetherTheWebhookIsSetUp() {
        String listed = "falco: {plugins: [{name: k8saudit, library_path: libk8saudit.so,"
                + " open_params: 'http://:9765/k8s-audit'}, {name: json, library_path: libjson.so}]";
        assertThat(AuditConsistency.configuresWebhook(FalcoValues.of(
                        TestValues.coalesce(TestValues.minimalChartDefaults(), TestValues.yaml(listed + "}")))))
                .as("listed in falco.plugins, load_plugins: [] as charts 4.x to 6.x ship")
                .isFalse();
        assertThat(AuditConsistency.configuresWebhook(FalcoValues.of(TestValues.coalesce(
                        TestValues.minimalChartDefaults(), TestValues.yaml(listed + ", load_plugins: [json]}")))))
                .isFalse();
        assertThat(AuditConsistency.configuresWebhook(FalcoValues.of(TestValues.coalesce(
                        TestValues.minimalChartDefaults(),
                        TestValues.yaml(listed + ", load_plugins: [k8saudit, json]}")))))
                .isTrue();
        assertThat(AuditConsistency.configuresWebhook(FalcoValues.of(TestValues.yaml(listed + "}"))))
                .as("no load_plugins at all: Falco loads every configured plugin")
                .isTrue();
        assertThat(AuditConsistency.configuresWebhook(FalcoValues.of(TestValues.coalesce(
                        TestValues.minimalChartDefaults(), TestValues.yaml("falco: {load_plugins: [k8saudit]}")))))
                .as("loaded but not configured: the check reports the missing entry")
                .isTrue();
    }

    @Test
    void shouldNameBothPortsWhenServiceTargetPortDiffersFromOpenParamsPort() {
        Map<String, Object> values = withUser("""
                services:
                  - name: k8saudit-webhook
                    type: NodePort
                    ports: [{port: 9765, targetPort: 9766, nodePort: 30007, protocol: TCP}]
                """);

        assertThatThrownBy(() -> check(values, OPTIONS))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("Service k8saudit-webhook forwards to targetPort 9766"
                        + " (services[0].ports[0].targetPort), but the k8saudit plugin listens on port 9765"
                        + " (falco.plugins[0].open_params \"http://:9765/k8s-audit\")");
    }

    @Test
    void shouldNameBothPortsWhenServicePortDiffersFromOpenParamsPortWithoutTargetPort() {
        Map<String, Object> values = withUser("""
                services:
                  - name: k8saudit-webhook
                    type: NodePort
                    ports: [{port: 9000, nodePort: 30007, protocol: TCP}]
                """);

        assertThatThrownBy(() -> check(values, OPTIONS))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("forwards to port 9000 (services[0].ports[0].port, no targetPort), but the"
                        + " k8saudit plugin listens on port 9765");
    }

    @Test
    void shouldNameBothPortsWhenNodePortDiffersFromAuditNodePort() {
        Map<String, Object> values = withUser("""
                services:
                  - name: k8saudit-webhook
                    type: NodePort
                    ports: [{port: 9765, nodePort: 30008, protocol: TCP}]
                """);

        assertThatThrownBy(() -> check(values, OPTIONS))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("Service k8saudit-webhook pins nodePort 30008 (services[0].ports[0].nodePort),"
                        + " but auditNodePort is 30007");
    }

    @Test
    void shouldRejectNodePortOutsideDefaultRange() {
        Map<String, Object> values = withUser("""
                services:
                  - name: k8saudit-webhook
                    type: NodePort
                    ports: [{port: 9765, nodePort: 8080, protocol: TCP}]
                """);

        assertThatThrownBy(() -> check(values, OPTIONS))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("services[0].ports[0].nodePort 8080 is outside Kubernetes' default node port"
                        + " range 30000-32767");
    }

    @Test
    void shouldRejectNodePortServiceWhenNodePortLeftToKubernetes() {
        Map<String, Object> values = withUser("""
                services:
                  - name: k8saudit-webhook
                    type: NodePort
                    ports: [{port: 9765, protocol: TCP}]
                """);

        assertThatThrownBy(() -> check(values, OPTIONS))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("is a NodePort Service without a nodePort (services[0].ports[0].nodePort)")
                .hasMessageContaining("Set nodePort: 30007");
    }

    @Test
    void shouldNameBothPathsWhenOpenParamsPathDiffersFromAuditPath() {
        Map<String, Object> values = withUser(pluginsWithOpenParams("http://:9765/k8s_audit"));

        assertThatThrownBy(() -> check(values, OPTIONS))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("the k8saudit plugin serves path /k8s_audit (falco.plugins[0].open_params"
                        + " \"http://:9765/k8s_audit\") but auditPath is /k8s-audit");
    }

    @Test
    void shouldNameBothTypesWhenServiceTypeDiffersFromAuditServiceType() {
        Map<String, Object> values = withUser("""
                services:
                  - name: k8saudit-webhook
                    type: ClusterIP
                    ports: [{port: 9765, protocol: TCP}]
                """);

        assertThatThrownBy(() -> check(values, OPTIONS))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("Service k8saudit-webhook is type ClusterIP (services[0].type), but"
                        + " auditServiceType is NodePort");
    }

    @Test
    void shouldNameBothPortsWhenClusterIpServicePortDiffersFromAuditServicePort() {
        AuditOptions options = OPTIONS.toBuilder()
                .serviceType(AuditOptions.ServiceType.CLUSTER_IP)
                .build();
        Map<String, Object> values = TestValues.coalesce(TestValues.withProfile(options), TestValues.yaml("""
                services:
                  - name: k8saudit-webhook
                    type: ClusterIP
                    ports: [{port: 80, targetPort: 9765, protocol: TCP}]
                """));

        assertThatThrownBy(() -> check(values, options))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("Service k8saudit-webhook listens on port 80 (services[0].ports[0].port), but"
                        + " auditServicePort is 9765");
    }

    @Test
    void shouldRejectOpenParamsListeningOnLoopbackOnly() {
        Map<String, Object> values = withUser(pluginsWithOpenParams("http://127.0.0.1:9765/k8s-audit"));

        assertThatThrownBy(() -> check(values, OPTIONS))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("listens on 127.0.0.1 only")
                .hasMessageContaining("\"http://:9765/k8s-audit\"");
    }

    @Test
    void shouldRejectPluginOnFalcoWebserverPortAsOldDocsShow() {
        Map<String, Object> values = withUser(pluginsWithOpenParams("http://:8765/k8s-audit") + """
                services:
                  - name: k8saudit-webhook
                    type: NodePort
                    ports: [{port: 8765, nodePort: 30007, protocol: TCP}]
                """);

        assertThatThrownBy(() -> check(values, OPTIONS))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining(
                        "Falco's web server (falco.webserver.listen_port 8765) both listen on port" + " 8765");
    }

    @Test
    void shouldRejectOpenParamsWithoutPathOrWithFile() {
        Map<String, Object> noPath = withUser(pluginsWithOpenParams("http://:9765"));
        Map<String, Object> file = withUser(pluginsWithOpenParams("/var/log/kubernetes/audit.log"));

        assertThatThrownBy(() -> check(noPath, OPTIONS)).hasMessageContaining("it has no path");
        assertThatThrownBy(() -> check(file, OPTIONS)).hasMessageContaining("it is a file path, not an http(s):// URL");
    }

    @Test
    void shouldRejectValuesWithoutK8sAuditPlugin() {
        Map<String, Object> values = TestValues.minimalChartDefaults();

        assertThatThrownBy(() -> check(values, OPTIONS))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("falco.plugins has no k8saudit plugin")
                .hasMessageContaining("profile=k8s-audit");
    }

    @Test
    void shouldRejectValuesWithoutWebhookService() {
        Map<String, Object> values =
                TestValues.coalesce(TestValues.withProfile(OPTIONS), TestValues.yaml("services: []"));

        assertThatThrownBy(() -> check(values, OPTIONS))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("no services[] entry forwards to the k8saudit plugin's port 9765");
    }

    @Test
    void shouldFindWebhookServiceByPortWhenNamedDifferently() {
        Map<String, Object> values = withUser("""
                services:
                  - name: audit
                    type: NodePort
                    ports: [{port: 9765, nodePort: 30007, protocol: TCP}]
                """);

        assertThat(AuditConsistency.webhookUrl(FalcoValues.of(values), OPTIONS))
                .isEqualTo("http://10.0.0.5:30007/k8s-audit");
    }

    @Test
    void shouldRejectWhenLoadPluginsOmitsK8sAudit() {
        Map<String, Object> values = withUser("""
                falco:
                  load_plugins: [json]
                """);

        assertThatThrownBy(() -> check(values, OPTIONS))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("falco.load_plugins is [json] and does not name k8saudit");
    }

    @Test
    void shouldRejectListedRulesFileThatFalcoctlDoesNotInstall() {
        Map<String, Object> values = withUser("""
                falcoctl:
                  config:
                    artifact:
                      install:
                        refs: [k8saudit:0.16, json:0.7.0]
                      follow:
                        refs: []
                """);

        assertThatThrownBy(() -> check(values, OPTIONS))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("falco.rules_files lists /etc/falco/k8s_audit_rules.yaml, but /etc/falco is an"
                        + " empty directory that falcoctl fills");
    }

    @Test
    void shouldNameBothVersionsWhenRulesNeedNewerPluginThanInstalled() {
        Map<String, Object> values = withUser("""
                falcoctl:
                  config:
                    artifact:
                      install:
                        refs: [k8saudit-rules:0.18, k8saudit:0.16]
                      follow:
                        refs: [k8saudit-rules:0.18]
                """);

        assertThatThrownBy(() -> check(values, OPTIONS))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("/etc/falco/k8s_audit_rules.yaml from k8saudit-rules:0.18 (falcoctl install)"
                        + " requires k8saudit >= 0.18.0 (same major version), but falcoctl installs k8saudit:0.16");
    }

    @Test
    void shouldRejectWhenResolveDepsOffAndJsonNotInstalled() {
        Map<String, Object> values = withUser("""
                falcoctl:
                  config:
                    artifact:
                      install:
                        resolveDeps: false
                        refs: [k8saudit-rules:0.16, k8saudit:0.16]
                """);

        assertThatThrownBy(() -> check(values, OPTIONS))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("falco.plugins[1] json (library_path libjson.so) would not exist");
    }

    @Test
    void shouldRejectWhenRulesNeedJsonButLoadPluginsOmitsIt() {
        Map<String, Object> values = withUser("""
                falco:
                  load_plugins: [k8saudit]
                """);

        assertThatThrownBy(() -> check(values, OPTIONS))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining(
                        "requires the json plugin (>= 0.7.0), but falco.load_plugins [k8saudit] does" + " not load it");
    }

    @Test
    void shouldWarnThatImageProvidesRulesWhenFalcoctlInstallDisabled() {
        Map<String, Object> values = withUser("""
                falcoctl:
                  artifact:
                    install: {enabled: false}
                    follow: {enabled: false}
                """);

        List<String> warnings = check(values, OPTIONS);

        assertThat(warnings)
                .anySatisfy(warning -> assertThat(warning)
                        .contains("falco.rules_files lists /etc/falco/k8s_audit_rules.yaml: provided by the image")
                        .contains("docker.io/falcosecurity/falco:<chart appVersion>")
                        .contains("falcoctl.artifact.install.enabled=false"));
        assertThat(warnings)
                .anySatisfy(warning -> assertThat(warning)
                        .contains("/etc/falco/k8s_audit_rules.yaml")
                        .contains("Nor can it check the plugin versions those rules require"));
        assertThat(warnings)
                .anySatisfy(warning -> assertThat(warning)
                        .contains("falco.plugins[0] k8saudit (library_path libk8saudit.so): provided by the image"));
    }

    @Test
    void shouldWarnWhenFollowedRulesTagFloats() {
        Map<String, Object> values = withUser("""
                falcoctl:
                  config:
                    artifact:
                      follow:
                        refs: [k8saudit-rules:latest]
                """);

        assertThat(check(values, OPTIONS))
                .anySatisfy(warning -> assertThat(warning)
                        .contains("k8saudit-rules:latest (falcoctl follow)")
                        .contains("its tag floats"));
    }

    @Test
    void shouldRejectHttpsWithoutCertificateAuthority() {
        AuditOptions tls = OPTIONS.toBuilder().tls(AuditTls.builder().build()).build();
        Map<String, Object> values = TestValues.withProfile(tls);

        assertThatThrownBy(() -> check(values, tls))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("serves https")
                .hasMessageContaining("no CA for kube-apiserver");
    }

    @Test
    void shouldRejectHttpsCertificateHiddenByFalcoctlDirectory() {
        AuditOptions tls = OPTIONS.toBuilder()
                .tls(AuditTls.builder().certificatePath("/etc/falco/falco.pem").build())
                .build();
        Map<String, Object> values =
                TestValues.coalesce(TestValues.withProfile(tls), TestValues.yaml("certs: {ca: {crt: \"PEM\"}}"));

        assertThatThrownBy(() -> check(values, tls))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("the k8saudit plugin serves https with /etc/falco/falco.pem")
                .hasMessageContaining("certs.existingSecret");
    }

    @Test
    void shouldAcceptHttpsWithChartCertificates() {
        AuditOptions tls = OPTIONS.toBuilder().tls(AuditTls.builder().build()).build();
        Map<String, Object> values = TestValues.coalesce(TestValues.withProfile(tls), TestValues.yaml("""
                certs: {server: {key: KEY, crt: CRT}, ca: {crt: CA}}
                """));

        assertThat(check(values, tls)).isEmpty();
        assertThat(AuditConsistency.webhookUrl(FalcoValues.of(values), tls))
                .isEqualTo("https://10.0.0.5:30007/k8s-audit");
    }

    @Test
    void shouldRejectAuditTlsWhenPluginServesHttp() {
        AuditOptions tls = OPTIONS.toBuilder().tls(AuditTls.builder().build()).build();
        Map<String, Object> values =
                TestValues.coalesce(TestValues.withProfile(OPTIONS), TestValues.yaml("certs: {ca: {crt: CA}}"));

        assertThatThrownBy(() -> check(values, tls))
                .hasMessageContaining("auditTls is set, so kube-apiserver would connect with https://, but the"
                        + " k8saudit plugin serves plain http (falco.plugins[0].open_params"
                        + " \"http://:9765/k8s-audit\")");
    }

    @Test
    void shouldListEveryProblemWhenSeveralDisagree() {
        Map<String, Object> values = withUser(pluginsWithOpenParams("http://:9765/k8s_audit") + """
                services:
                  - name: k8saudit-webhook
                    type: NodePort
                    ports: [{port: 9765, nodePort: 30009, protocol: TCP}]
                """);

        assertThatThrownBy(() -> check(values, OPTIONS))
                .isInstanceOfSatisfying(
                        AuditMismatchException.class,
                        e -> assertThat(e.problems())
                                .hasSize(2)
                                .anySatisfy(problem -> assertThat(problem).contains("auditPath is /k8s-audit"))
                                .anySatisfy(problem -> assertThat(problem).contains("auditNodePort is 30007")));
    }

    @Test
    void shouldNameKubeconfigAndServicePortWhenKubeconfigUrlDisagrees() {
        Map<String, Object> values = TestValues.withProfile(OPTIONS);
        String kubeconfig = kubeconfig("http://10.0.0.5:30008/k8s-audit");

        assertThatThrownBy(() ->
                        AuditConsistency.checkKubeconfig(kubeconfig, "webhook.yaml", FalcoValues.of(values), OPTIONS))
                .isInstanceOf(AuditMismatchException.class)
                .hasMessageContaining("webhook.yaml clusters[].cluster.server http://10.0.0.5:30008/k8s-audit uses"
                        + " port 30008, but Service k8saudit-webhook is reached on nodePort 30007"
                        + " (services[0].ports[0].nodePort)");
    }

    @Test
    void shouldNameKubeconfigAndOpenParamsWhenKubeconfigPathOrSchemeDisagrees() {
        Map<String, Object> values = TestValues.withProfile(OPTIONS);
        String legacyKubeconfig = kubeconfig("https://10.0.0.5:30007/k8s_audit");

        assertThatThrownBy(() -> AuditConsistency.checkKubeconfig(
                        legacyKubeconfig, "webhook.yaml", FalcoValues.of(values), OPTIONS))
                .isInstanceOfSatisfying(
                        AuditMismatchException.class,
                        e -> assertThat(e.problems())
                                .anySatisfy(
                                        problem -> assertThat(problem)
                                                .contains(
                                                        "posts to path '/k8s_audit', but the k8saudit plugin serves only"
                                                                + " '/k8s-audit' (falco.plugins[0].open_params \"http://:9765/k8s-audit\")"))
                                .anySatisfy(problem -> assertThat(problem)
                                        .contains("uses https://, but the k8saudit plugin serves http://")));
    }

    @Test
    void shouldAcceptKubeconfigThatAgrees() {
        Map<String, Object> values = TestValues.withProfile(OPTIONS);

        AuditConsistency.checkKubeconfig(
                kubeconfig("http://10.0.0.5:30007/k8s-audit"), "webhook.yaml", FalcoValues.of(values), OPTIONS);
    }

    @Test
    void shouldRequireWebhookAddressForUrl() {
        Map<String, Object> values = TestValues.withProfile(AuditOptions.defaults());

        assertThatThrownBy(() -> AuditConsistency.webhookUrl(FalcoValues.of(values), AuditOptions.defaults()))
                .isInstanceOfSatisfying(
                        InvalidRequestException.class,
                        e -> assertThat(e.parameter()).isEqualTo("auditWebhookAddress"))
                .hasMessageContaining("the IP of a node");
    }

    @Test
    void shouldBracketIpv6AddressInUrl() {
        AuditOptions options = OPTIONS.toBuilder().webhookAddress("fd00::5").build();

        assertThat(AuditConsistency.webhookUrl(FalcoValues.of(TestValues.withProfile(options)), options))
                .isEqualTo("http://[fd00::5]:30007/k8s-audit");
    }

    private static List<String> check(Map<String, Object> values, AuditOptions options) {
        return AuditConsistency.check(values, options, DeliveredRules.fromValues(values));
    }

    private static Map<String, Object> withUser(String userValues) {
        return TestValues.coalesce(TestValues.withProfile(OPTIONS), TestValues.yaml(userValues));
    }

    private static String pluginsWithOpenParams(String openParams) {
        return """
                falco:
                  plugins:
                    - {name: k8saudit, library_path: libk8saudit.so, init_config: "", open_params: "%s"}
                    - {name: json, library_path: libjson.so, init_config: ""}
                """.formatted(openParams);
    }

    private static String kubeconfig(String server) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: falco
                    cluster: {server: "%s"}
                contexts:
                  - name: default
                    context: {cluster: falco, user: ""}
                current-context: default
                users: []
                """.formatted(server);
    }
}
