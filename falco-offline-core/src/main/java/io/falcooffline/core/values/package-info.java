/**
 * Internal: the values stage. The values Helm will use for every chart of the tree: chart defaults, then a
 * profile, then the user's values files.
 */
package io.falcooffline.core.values;
