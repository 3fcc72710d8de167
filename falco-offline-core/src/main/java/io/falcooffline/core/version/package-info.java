/** Internal: semantic versions and constraints, as Helm and falcoctl read them. Depends on nothing in the core. */
package io.falcooffline.core.version;
