package io.falcooffline.bench;

final class StartupComparison {

    private final BenchSettings settings;

    StartupComparison(BenchSettings settings) {
        this.settings = settings;
    }

    ReportSection run() {
        throw new UnsupportedOperationException("StartupComparison is not written yet");
    }
}
