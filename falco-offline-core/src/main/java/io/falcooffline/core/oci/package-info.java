/**
 * Internal: OCI content types shared by every store and stage: descriptors, manifests, digests, media types, the
 * {@code OciStore} interface over registries and layouts, and the stream that verifies a digest as it is read.
 * Depends on nothing in the core but {@code core.io}, the API exceptions and {@code core.plan}'s references.
 */
package io.falcooffline.core.oci;
