/**
 * Internal: the rewrite stage. Turns redirected references into values and template edits, applies them, and
 * records them in the plan.
 */
package io.falcooffline.core.rewrite;
