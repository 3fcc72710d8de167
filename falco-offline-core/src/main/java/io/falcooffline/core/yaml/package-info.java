/**
 * Internal: YAML with limits, Helm's values semantics (coalesce, merge) and the surgical values editor.
 */
package io.falcooffline.core.yaml;
