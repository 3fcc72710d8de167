/**
 * Internal: everything that knows the Falco chart. The {@code falco} stage of a package run: what Falco needs to start
 * on a node that reaches only the internal registry. It reads the chart's values ({@link
 * io.falcooffline.core.falco.FalcoValues}, the one reader of them), works out the falcoctl artifacts the values
 * install, follow and load (resolved as falcoctl 0.13.0 resolves them, dependencies included), checks them against the
 * chart's Falco version, and turns them into values for the chosen {@link io.falcooffline.core.Delivery}: falcoctl
 * against the internal registry, or a baked Falco image. It also tells the generic reference stage what the chart
 * writes as falcoctl references ({@link io.falcooffline.core.falco.FalcoctlReferences}).
 */
package io.falcooffline.core.falco;
