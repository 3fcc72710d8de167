package io.falcooffline.core.audit;

import io.falcooffline.core.AuditOptions;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.falco.FalcoValues;
import io.falcooffline.core.values.ValuesFile;
import io.falcooffline.core.yaml.HelmValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The audit stage: when the run sets up Falco's k8saudit webhook (the {@value K8sAuditProfile#NAME} profile, or
 * values that configure it by hand), pins the webhook Service's node port, checks that the plugin, the Service and
 * the kube-apiserver side agree, and prepares the kube-apiserver files.
 */
public final class AuditStage {

    /** What the stage adds to the run. */
    public record Result(
            Optional<Map<String, Object>> valuesOverlay,
            List<String> warnings,
            Optional<ControlPlaneFiles.Prepared> controlPlaneFiles) {

        public Result {
            warnings = List.copyOf(warnings);
        }
    }

    private final boolean profile;
    private final AuditOptions options;

    public AuditStage(boolean profile, AuditOptions options) {
        this.profile = profile;
        this.options = options;
    }

    /** The profile's values, layered over the chart defaults and under the user's files; empty without a profile. */
    public List<Map<String, Object>> profileLayers() {
        return profile ? List.of(K8sAuditProfile.values(options)) : List.of();
    }

    /**
     * Wires the webhook into the run.
     *
     * @param userFiles the user's values files, checked for pre-plugin audit settings, each error naming its file
     * @param effectiveRootValues the root chart's effective values
     * @param subchartKeys the root chart's subchart keys, for coalescing the node port pin
     */
    public Result run(
            List<ValuesFile> userFiles,
            Map<String, Object> effectiveRootValues,
            Set<String> subchartKeys,
            String releaseName,
            String namespace,
            ProgressListener listener) {
        userFiles.forEach(
                file -> LegacyAuditConfig.check(file.values(), file.path().toString()));
        FalcoValues falco = FalcoValues.of(effectiveRootValues);
        if (!profile && !AuditConsistency.configuresWebhook(falco)) {
            return new Result(Optional.empty(), List.of(), Optional.empty());
        }
        Optional<Map<String, Object>> pin = K8sAuditProfile.pinnedNodePort(falco, options);
        if (pin.isPresent()) {
            falco = FalcoValues.of(HelmValues.coalesce(effectiveRootValues, pin.get(), subchartKeys));
        }
        List<String> warnings =
                new ArrayList<>(AuditConsistency.check(falco, options, DeliveredRules.fromValues(falco)));
        if (options.webhookAddress().isEmpty()) {
            warnings.add("No audit webhook address given, so the kube-apiserver files were not written: set"
                    + " `auditWebhookAddress` to a node IP (NodePort), the Service DNS name (ClusterIP) or the load"
                    + " balancer address.");
            return new Result(pin, warnings, Optional.empty());
        }
        ControlPlaneFiles.Prepared files = ControlPlaneFiles.prepare(options, falco, releaseName, namespace);
        return new Result(pin, warnings, Optional.of(files));
    }
}
