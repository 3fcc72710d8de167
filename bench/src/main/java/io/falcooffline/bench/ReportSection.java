package io.falcooffline.bench;

/**
 * One comparison's results as Markdown, written into the performance page between
 * {@code <!-- bench:<id>:begin -->} and {@code <!-- bench:<id>:end -->}.
 */
record ReportSection(String id, String markdown) {}
