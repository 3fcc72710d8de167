package io.falcooffline.core;

import java.util.Locale;

/** What a run started with {@code mvn -o} refuses before anything starts, because only the network can give it. */
final class OfflineRefusals {

    private OfflineRefusals() {}

    /**
     * Offline, what only the network can give fails before anything starts, naming it and the way to get it; the chart
     * source is served from the chart cache (see {@code ChartSources}) and the falcoctl index from its cached copy
     * or the built-in one.
     */
    static void requireNoNetwork(PackageRequest request) {
        if (!request.mirror().offline()) {
            return;
        }
        MirrorMode mode = request.mirror().mode();
        if (mode != MirrorMode.NONE) {
            throw new InvalidRequestException(
                    "mirror",
                    "Offline (mvn -o): mirroring copies every image and falcoctl artifact the chart pulls from its"
                            + " registry (docker.io, ghcr.io, … or their registryMirrors)"
                            + (mode == MirrorMode.PUSH ? " to " + request.registry() : " into the bundle")
                            + ", and nothing of that is cached here. Run without -o (through a proxy if this machine"
                            + " needs one: settings.xml <proxies>, or HTTPS_PROXY), or set mirror=false"
                            + " (-Dfalco-offline.mirror=false) to write only the chart and the plan.");
        }
        if (request.publish().publishChart()) {
            throw new InvalidRequestException(
                    "publishChart",
                    "Offline (mvn -o): publishChart pushes the chart to " + request.registry()
                            + ". Run without -o, or leave publishChart off and push the chart later.");
        }
        request.publish().gitRepository().filter(OfflineRefusals::isRemoteGit).ifPresent(url -> {
            throw new InvalidRequestException(
                    "gitRepository",
                    "Offline (mvn -o): gitRepository pushes to " + url + ". Run without -o, or leave"
                            + " gitRepository out.");
        });
    }

    private static boolean isRemoteGit(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        return !(lower.startsWith("file:") || lower.startsWith("/") || lower.startsWith(".") || !lower.contains(":"));
    }
}
