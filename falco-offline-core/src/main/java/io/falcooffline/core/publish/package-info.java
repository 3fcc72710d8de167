/**
 * Internal: the publish stage. Publishes the written chart as a Helm OCI chart, in an index.yaml beside it and to a
 * GitOps repository, and records the chart in the lock.
 */
package io.falcooffline.core.publish;
