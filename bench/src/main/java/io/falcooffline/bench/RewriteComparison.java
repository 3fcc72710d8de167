package io.falcooffline.bench;

final class RewriteComparison {

    private final BenchSettings settings;

    RewriteComparison(BenchSettings settings) {
        this.settings = settings;
    }

    ReportSection run() {
        throw new UnsupportedOperationException("RewriteComparison is not written yet");
    }
}
