/**
 * Internal: what the cluster's nodes need to pull the chart's images from the internal registry. Not Falco knowledge:
 * kubelet pulls with the pod's image pull secrets, which must exist in the pod's namespace
 * ({@link io.falcooffline.core.node.PullSecrets}), and the container runtime must trust the registry: a private CA or
 * plain HTTP is configured per registry host on every node ({@link io.falcooffline.core.node.RegistryTrust},
 * {@link io.falcooffline.core.node.ContainerdHosts}). {@link io.falcooffline.core.node.NodeStage} works out both
 * for a run; {@link io.falcooffline.core.node.NodeFiles} prepares the files in memory that the output stage writes
 * to {@code <outputDirectory>/nodes/}.
 */
package io.falcooffline.core.node;
