/**
 * Internal: the chart stage. Reads chart archives and directories safely (sizes, names, links bounded), links
 * subcharts as Helm does ({@link io.falcooffline.core.chart.ChartTree}) and writes deterministic archives.
 */
package io.falcooffline.core.chart;
