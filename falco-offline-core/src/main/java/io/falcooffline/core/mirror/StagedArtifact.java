package io.falcooffline.core.mirror;

import io.falcooffline.core.HostUnreachableException;
import io.falcooffline.core.MirrorException;
import io.falcooffline.core.Platform;
import io.falcooffline.core.RegistryException;
import io.falcooffline.core.net.Connections;
import io.falcooffline.core.oci.ArtifactGraph;
import io.falcooffline.core.oci.ParallelWork;
import io.falcooffline.core.plan.LockEntry;
import java.util.List;

/**
 * An artifact whose graph has been read and which is ready to copy.
 *
 * @param job what to copy where
 * @param graph what it consists of
 */
record StagedArtifact(CopyJob job, ArtifactGraph graph) {

    /** Reads a job's graph from its source, one manifest after the other (for local sources). */
    static StagedArtifact stage(CopyJob job, List<Platform> platforms) {
        return stage(job, platforms, ParallelWork.IN_TURN);
    }

    /**
     * Reads a job's graph from its source.
     *
     * @param platforms the platforms to keep when the job narrows indexes
     * @param lookups how the manifests of an index are fetched together
     * @throws MirrorException naming the artifact when it cannot be read
     */
    static StagedArtifact stage(CopyJob job, List<Platform> platforms, ParallelWork lookups) {
        try {
            return new StagedArtifact(
                    job,
                    ArtifactGraph.fetch(
                            job.source().store(),
                            job.source().repository(),
                            job.sourceReference(),
                            job.narrow() ? platforms : List.of(),
                            job.sourceName().toString(),
                            lookups));
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            String unreachable = e instanceof HostUnreachableException host
                    ? Connections.advice(host.host())
                    : e instanceof RegistryException registry && registry.statusCode() == 0
                            ? " If this machine cannot reach that registry, set the proxy it needs (settings.xml"
                                    + " <proxies>, or HTTPS_PROXY), read it through a proxy cache with"
                                    + " registryMirrors, or set mirror=false to write only the chart and the plan."
                            : "";
            throw new MirrorException(
                    job.sourceName().toString(),
                    "Cannot read " + job.sourceName() + " (" + job.sourceReference() + ") from " + job.source() + ": "
                            + (reason.endsWith(".") ? reason.substring(0, reason.length() - 1) : reason)
                            + ". Nothing was tagged." + unreachable,
                    e);
        }
    }

    /** The lock entry for this artifact once copied. */
    LockEntry toLockEntry() {
        return LockEntry.builder(
                        job.origin(),
                        job.kind(),
                        job.sourceName().toString(),
                        job.targetName().toString())
                .sourceDigest(graph.sourceRoot().digest())
                .targetDigest(graph.root().descriptor().digest())
                .mediaType(graph.root().descriptor().mediaType())
                .platforms(graph.platforms())
                .size(graph.size())
                .note(job.note())
                .build();
    }
}
