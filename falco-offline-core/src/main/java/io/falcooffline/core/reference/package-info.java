/**
 * Internal: the references stage. Finds every image and OCI reference in a chart's values and templates, with what a
 * chart's own conventions add ({@link io.falcooffline.core.reference.ReferenceConventions}, implemented by the
 * package that knows the chart), and maps each source to its target on the internal registry. Knows no chart.
 */
package io.falcooffline.core.reference;
