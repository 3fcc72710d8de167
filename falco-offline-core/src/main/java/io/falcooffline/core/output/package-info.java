/**
 * Internal: the output stage. Writes the chart, the plan and the kube-apiserver files atomically.
 */
package io.falcooffline.core.output;
