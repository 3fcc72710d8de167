package io.falcooffline.bench;

final class MirrorComparison {

    private final BenchSettings settings;

    MirrorComparison(BenchSettings settings) {
        this.settings = settings;
    }

    ReportSection run() {
        throw new UnsupportedOperationException("MirrorComparison is not written yet");
    }
}
