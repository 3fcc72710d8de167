/**
 * Internal: the OCI image layout on disk ({@code OciLayoutStore}, its index and blob files) and the bundle archive
 * that carries one across the air gap. Depends on {@code core.oci} and {@code core.io}, never on a stage.
 */
package io.falcooffline.core.oci.layout;
