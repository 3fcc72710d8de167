package io.falcooffline.core;

import io.falcooffline.core.audit.AuditConsistency;
import io.falcooffline.core.audit.ControlPlaneFiles;
import io.falcooffline.core.audit.DeliveredRules;
import io.falcooffline.core.audit.K8sAuditProfile;
import io.falcooffline.core.chart.Chart;
import io.falcooffline.core.io.OutputPaths;
import io.falcooffline.core.yaml.HelmValues;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Where the k8s-audit profile and its checks enter a package run. */
final class AuditWiring {

    private AuditWiring() {}

    /**
     * The root values Helm will use: chart defaults, then the profile, then the user's files, then a pinned NodePort
     * when the webhook Service would otherwise get a random one.
     */
    static Map<String, Object> effectiveValues(
            PackageRequest request, Chart chart, List<Map<String, Object>> userLayers, Set<String> subchartKeys) {
        List<Map<String, Object>> layers = new ArrayList<>();
        layers.add(chart.values());
        if (request.profile().isPresent()) {
            layers.add(K8sAuditProfile.values(request.audit()));
        }
        layers.addAll(userLayers);
        Map<String, Object> effective = HelmValues.merge(layers, subchartKeys);
        if (!configuresWebhook(request, effective)) {
            return effective;
        }
        return K8sAuditProfile.pinnedNodePort(effective, request.audit())
                .map(pin -> HelmValues.coalesce(effective, pin, subchartKeys))
                .orElse(effective);
    }

    /**
     * Checks that the plugin, the Service and the kube-apiserver settings agree, when the values set up the audit
     * webhook.
     *
     * @return what had to be assumed, e.g. that the image provides the rules file
     */
    static List<String> check(PackageRequest request, Map<String, Object> effective) {
        if (!configuresWebhook(request, effective)) {
            return List.of();
        }
        return AuditConsistency.check(effective, request.audit(), DeliveredRules.fromValues(effective));
    }

    /** Writes the kube-apiserver files to {@code <outputDirectory>/audit} when there is an address to point at. */
    /** @return the audit directory when it was written, for the clean-up of a run that fails later */
    static Optional<Path> writeControlPlaneFiles(
            PackageRequest request, Map<String, Object> effective, ProgressListener listener) {
        if (!configuresWebhook(request, effective)) {
            return Optional.empty();
        }
        if (request.audit().webhookAddress().isEmpty()) {
            listener.warn("No audit webhook address given, so the kube-apiserver files were not written: set"
                    + " `auditWebhookAddress` to a node IP (NodePort), the Service DNS name (ClusterIP) or the load"
                    + " balancer address.");
            return Optional.empty();
        }
        Path directory = OutputPaths.inside(request.outputDirectory(), "audit", "audit directory");
        ControlPlaneFiles.Written written = ControlPlaneFiles.write(
                directory, request.audit(), effective, request.releaseName(), request.namespace());
        written.warnings().forEach(listener::warn);
        listener.info("Wrote kube-apiserver audit files to " + written.directory() + " (webhook " + written.webhookUrl()
                + ")");
        return Optional.of(written.directory());
    }

    private static boolean configuresWebhook(PackageRequest request, Map<String, Object> effective) {
        return request.profile().isPresent() || AuditConsistency.configuresWebhook(effective);
    }
}
