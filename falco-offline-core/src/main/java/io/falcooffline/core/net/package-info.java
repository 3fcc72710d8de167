/**
 * Internal: how connections leave the machine: the proxy for each URL (with its bypass rules and login), the offline
 * guard, and the advice for an upstream that cannot be reached.
 */
package io.falcooffline.core.net;
