package io.falcooffline.core.audit;

import io.falcooffline.core.AuditOptions;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.yaml.HelmValues;
import io.falcooffline.core.yaml.SafeYaml;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Values for tests: YAML snippets, the upstream chart's defaults, and Helm's coalescing of layers. */
final class TestValues {

    private TestValues() {}

    static Map<String, Object> yaml(String text) {
        return SafeYaml.loadMap(text, "test values");
    }

    /** Values layers as {@code helm template -f layer1 -f layer2 ...} over the first one, the chart defaults. */
    @SafeVarargs
    static Map<String, Object> coalesce(Map<String, Object>... layers) {
        return HelmValues.merge(List.of(layers));
    }

    static List<String> strings(List<?> items) {
        return items.stream().map(String::valueOf).toList();
    }

    /** The upstream chart archive; the upstream-fixtures build profile sets the fixtures directory. */
    static Path upstreamChart() {
        String fixtures = System.getProperty("falco-offline.fixtures");
        if (fixtures == null) {
            throw new IllegalStateException("system property falco-offline.fixtures is not set");
        }
        return Path.of(fixtures, "charts", "falco-9.0.0.tgz");
    }

    static Path upstreamFixture(String relative) {
        return Path.of(System.getProperty("falco-offline.fixtures"), relative);
    }

    /** The chart's own {@code values.yaml}. */
    static Map<String, Object> upstreamDefaults() {
        return new ChartReader().read(upstreamChart()).values();
    }

    /** The parts of the chart defaults the audit checks read, for tests that do not need the upstream chart. */
    static Map<String, Object> minimalChartDefaults() {
        return yaml("""
                image: {registry: docker.io, repository: falcosecurity/falco, tag: ""}
                driver: {enabled: true, kind: auto}
                collectors:
                  enabled: true
                  containerEngine: {enabled: true, pluginRef: "ghcr.io/falcosecurity/plugins/plugin/container:0.7.1"}
                  kubernetes: {enabled: false, pluginRef: "ghcr.io/falcosecurity/plugins/plugin/k8smeta:0.4.1"}
                controller: {kind: daemonset, deployment: {replicas: 1}}
                services:
                mounts: {volumeMounts: []}
                customRules: {}
                certs: {existingSecret: "", server: {key: "", crt: ""}, ca: {crt: ""}}
                falcoctl:
                  artifact:
                    install: {enabled: true}
                    follow: {enabled: true}
                  config:
                    artifact:
                      allowedTypes: [rulesfile, plugin]
                      install: {resolveDeps: true, refs: ["falco-rules:5"], rulesfilesDir: /rulesfiles, pluginsDir: /plugins}
                      follow: {refs: ["falco-rules:5"]}
                falco:
                  rules_files: [/etc/falco/falco_rules.yaml, /etc/falco/falco_rules.local.yaml, /etc/falco/rules.d]
                  load_plugins: []
                  plugins: []
                  json_output: false
                  webserver: {enabled: true, listen_port: 8765, k8s_healthz_endpoint: /healthz}
                """);
    }

    /** Chart defaults with the profile over them, as a package run with {@code profile=k8s-audit} computes. */
    static Map<String, Object> withProfile(AuditOptions options) {
        return coalesce(minimalChartDefaults(), K8sAuditProfile.values(options));
    }
}
