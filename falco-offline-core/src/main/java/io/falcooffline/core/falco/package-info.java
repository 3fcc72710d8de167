/**
 * Internal: the {@code falco} stage of a package run: what Falco needs to start on a node that reaches only the internal
 * registry. It works out the falcoctl artifacts the values install, follow and load (resolved as falcoctl 0.13.0
 * resolves them, dependencies included), checks them against the chart's Falco version, and turns them into values
 * for the chosen {@link io.falcooffline.core.Delivery}: falcoctl against the internal registry, or a baked
 * Falco image.
 */
package io.falcooffline.core.falco;
