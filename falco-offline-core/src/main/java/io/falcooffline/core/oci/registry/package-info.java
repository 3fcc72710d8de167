/**
 * Internal: the project's own OCI distribution client (streaming digest checks, retries, time-outs, authentication,
 * TLS, Docker credentials, redirects) and how a run reaches registries ({@code RegistryAccess}, {@code Stores},
 * {@code UpstreamSources}). Depends on {@code core.oci}, {@code core.net} and {@code core.io}, never on a stage.
 */
package io.falcooffline.core.oci.registry;
