/**
 * Internal: the mirror stage. Copies what the chart pulls to the internal registry or an offline bundle, builds the
 * derived images it is handed ({@link io.falcooffline.core.mirror.DerivedImageBuild}) there, and pushes bundles inside
 * the air gap. It knows nothing of Falco.
 */
package io.falcooffline.core.mirror;
