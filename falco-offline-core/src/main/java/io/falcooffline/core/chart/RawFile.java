package io.falcooffline.core.chart;

import java.time.Instant;

/**
 * One file as read from an archive or directory, before it is assigned to a chart.
 *
 * @param content the bytes, as stored
 * @param modified its modification time
 */
record RawFile(byte[] content, Instant modified) {}
