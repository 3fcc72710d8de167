/**
 * Internal: the source stage. Resolves a chart source (local, http(s), OCI, Helm repository, git) to a chart on this
 * machine through the download cache, and records its provenance.
 */
package io.falcooffline.core.source;
