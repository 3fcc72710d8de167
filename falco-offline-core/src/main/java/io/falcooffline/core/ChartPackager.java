package io.falcooffline.core;

/** Runs one package request: read, discover, map, rewrite, write. */
final class ChartPackager {

    private final ProgressListener listener;

    ChartPackager(ProgressListener listener) {
        this.listener = listener;
    }

    PackageResult run(PackageRequest request) {
        listener.debug("packaging " + request.chart());
        throw new UnsupportedOperationException("pipeline not assembled yet");
    }
}
