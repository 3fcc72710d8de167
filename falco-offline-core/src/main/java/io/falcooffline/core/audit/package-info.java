/**
 * Internal: the audit stage. Cluster-wide Kubernetes audit with Falco's k8saudit plugin: the {@code k8s-audit}
 * values profile, the kube-apiserver files that point the audit webhook at Falco, and the checks that keep both
 * halves in agreement. {@link io.falcooffline.core.audit.AuditStage} is the stage's entry: it checks the user's files
 * for pre-plugin settings, pins the webhook Service's node port, runs
 * {@link io.falcooffline.core.audit.AuditConsistency#check} on the effective values and prepares the
 * {@link io.falcooffline.core.audit.ControlPlaneFiles} that the output stage writes to {@code <outputDirectory>/audit/}.
 */
package io.falcooffline.core.audit;
