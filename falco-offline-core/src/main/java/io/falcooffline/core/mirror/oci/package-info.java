/**
 * Internal: the project's own OCI distribution client (streaming digest checks, retries, time-outs, auth) and
 * store abstraction over registries and OCI layouts.
 */
package io.falcooffline.core.mirror.oci;
