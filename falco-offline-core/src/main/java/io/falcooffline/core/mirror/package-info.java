/**
 * Internal: the mirror stage. Copies what the chart pulls to the internal registry or an offline bundle, and
 * pushes bundles inside the air gap.
 */
package io.falcooffline.core.mirror;
