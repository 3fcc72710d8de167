/**
 * Cluster-wide Kubernetes audit with Falco's k8saudit plugin: the {@code k8s-audit} values profile, the
 * kube-apiserver files that point the audit webhook at Falco, and the checks that keep both halves in agreement.
 *
 * <p>A package run with the profile uses the types in this order:
 *
 * <ol>
 *   <li>{@link io.falcooffline.core.audit.LegacyAuditConfig#check} on each user values file;
 *   <li>{@link io.falcooffline.core.audit.K8sAuditProfile#values} as a layer over the chart defaults and under the
 *       user's values files;
 *   <li>{@link io.falcooffline.core.audit.K8sAuditProfile#pinnedNodePort} as a last layer, so that a NodePort the
 *       user left to Kubernetes is known before install;
 *   <li>{@link io.falcooffline.core.audit.AuditConsistency#check} on the effective values;
 *   <li>{@link io.falcooffline.core.audit.ControlPlaneFiles#write} into {@code <outputDirectory>/audit/}.
 * </ol>
 */
package io.falcooffline.core.audit;
