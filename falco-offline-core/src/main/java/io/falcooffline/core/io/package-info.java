/**
 * Internal: atomic file writes and directory replacement.
 */
package io.falcooffline.core.io;
