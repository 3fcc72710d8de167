/**
 * Internal: the references stage. Finds every image and OCI reference in a chart's values and templates, resolves
 * falcoctl names through the index, and maps each source to its target on the internal registry.
 */
package io.falcooffline.core.reference;
