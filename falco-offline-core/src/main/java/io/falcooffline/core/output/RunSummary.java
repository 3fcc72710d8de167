package io.falcooffline.core.output;

import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.LockEntry;
import io.falcooffline.core.plan.Plan;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.plan.ReferenceKind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The run told to people: {@code README.md} beside the chart says what was done, what to carry across the air gap,
 * the exact {@code push} and {@code helm install} commands, every image and artifact with its digest, what each node
 * needs, and every warning of the run; {@code images.txt} lists the upstream references the chart pulls, one a line,
 * as other mirroring tools take them. Both are made from the run's results alone, so equal runs write equal bytes.
 */
public final class RunSummary {

    /** The summary for people, beside the chart. */
    public static final String README = "README.md";
    /** The upstream references in use, one a line. */
    public static final String IMAGES = "images.txt";

    private RunSummary() {}

    /**
     * What the run did, as the summary needs it.
     *
     * @param plan the plan as written
     * @param planFileName the plan's file name beside the chart
     * @param mirror how artifacts were delivered, or empty when mirroring was off
     * @param releaseName the Helm release the commands install
     * @param namespace the namespace the commands install into
     * @param auditFiles whether {@code audit/} was written
     * @param nodeFiles whether {@code nodes/} was written
     * @param nodeSteps what each node and the cluster need before installing, one step a line (may be empty)
     * @param warnings every warning the run reported, in order
     */
    public record Facts(
            Plan plan,
            String planFileName,
            Optional<Mirrored> mirror,
            String releaseName,
            String namespace,
            boolean auditFiles,
            boolean nodeFiles,
            List<String> nodeSteps,
            List<String> warnings) {

        public Facts {
            mirror = mirror == null ? Optional.empty() : mirror;
            nodeSteps = List.copyOf(nodeSteps);
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * Where the artifacts went.
     *
     * @param bundleDirectory the bundle's directory name beside the chart, or empty when pushed straight
     * @param bundleArchive the bundle's {@code .tar} name beside the chart, when one was written
     * @param entries the lock entries, with digests
     */
    public record Mirrored(Optional<String> bundleDirectory, Optional<String> bundleArchive, List<LockEntry> entries) {
        public Mirrored {
            entries = List.copyOf(entries);
        }
    }

    /** The two files, by name. */
    public static Map<String, byte[]> files(Facts facts) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(README, readme(facts).getBytes(StandardCharsets.UTF_8));
        files.put(IMAGES, images(facts.plan()).getBytes(StandardCharsets.UTF_8));
        return files;
    }

    /** The upstream references the chart pulls (images and falcoctl artifacts; no index URLs), sorted. */
    static String images(Plan plan) {
        TreeSet<String> sources = new TreeSet<>();
        pulled(plan).forEach(reference -> sources.add(reference.source()));
        StringBuilder text = new StringBuilder();
        sources.forEach(source -> text.append(source).append('\n'));
        return text.toString();
    }

    /** The images and falcoctl artifacts the chart pulls: the references in use that are not index URLs. */
    private static List<PlannedReference> pulled(Plan plan) {
        return plan.referencesInUse().stream()
                .filter(reference -> reference.kind() != ReferenceKind.INDEX)
                .toList();
    }

    static String readme(Facts facts) {
        Plan plan = facts.plan();
        String chart = plan.chartFileName();
        StringBuilder md = new StringBuilder();
        md.append("# ")
                .append(plan.chartName())
                .append(' ')
                .append(plan.chartVersion())
                .append(" for ")
                .append(plan.registry())
                .append("\n\n");
        md.append("Written by falco-offline. The chart `")
                .append(chart)
                .append("` pulls everything from `")
                .append(plan.registry())
                .append("`; `")
                .append(facts.planFileName())
                .append("` lists every reference, where it was found and where it now points.\n\n");

        md.append("## What was done\n\n");
        long redirected = plan.count(Disposition.REDIRECTED);
        long internal = plan.count(Disposition.ALREADY_INTERNAL);
        long notRedirected = plan.count(Disposition.NOT_REDIRECTED);
        md.append("- ")
                .append(plan.references().size())
                .append(" external references: ")
                .append(redirected)
                .append(" redirected to `")
                .append(plan.registry())
                .append("`, ")
                .append(internal)
                .append(" already internal, ")
                .append(notRedirected)
                .append(" not redirected; ")
                .append(plan.valuesChanges().size())
                .append(" values edits.\n");
        Object delivery = plan.falco().get("delivery");
        if (delivery != null) {
            md.append("- Falco: `delivery=").append(delivery).append("`.\n");
        }
        if (facts.mirror().isEmpty()) {
            md.append("- Nothing was mirrored (`mirror=false`): copy the references in `")
                    .append(IMAGES)
                    .append("` to `")
                    .append(plan.registry())
                    .append("` yourself, at the targets the plan names, before installing.\n");
        } else if (facts.mirror().get().bundleDirectory().isPresent()) {
            md.append("- ")
                    .append(facts.mirror().get().entries().size())
                    .append(" artifacts were copied into the " + "offline bundle `")
                    .append(facts.mirror().get().bundleDirectory().get())
                    .append("`.\n");
        } else {
            md.append("- ")
                    .append(facts.mirror().get().entries().size())
                    .append(" artifacts were copied to `")
                    .append(plan.registry())
                    .append("`.\n");
        }
        if (facts.auditFiles()) {
            md.append("- kube-apiserver's audit webhook files are in `audit/` (see `audit/README.md`).\n");
        }

        md.append("\n## What to carry across the air gap\n\n");
        md.append("- `").append(chart).append("`\n");
        facts.mirror()
                .flatMap(Mirrored::bundleArchive)
                .or(() -> facts.mirror().flatMap(Mirrored::bundleDirectory).map(directory -> directory + "/"))
                .ifPresent(bundle -> md.append("- `").append(bundle).append("` (the artifacts)\n"));
        if (facts.auditFiles()) {
            md.append("- `audit/` (for the control plane)\n");
        }
        if (facts.nodeFiles()) {
            md.append("- `nodes/` (for every node's container runtime, see `nodes/README.md`)\n");
        }

        md.append("\n## Commands inside the air gap\n\n```\n");
        facts.mirror()
                .flatMap(Mirrored::bundleDirectory)
                .ifPresent(bundle -> md.append(
                                "mvn io.falcooffline:falco-offline-maven-plugin:push -Dfalco-offline.bundle=")
                        .append(bundle)
                        .append(" -Dfalco-offline.registry=")
                        .append(plan.registry())
                        .append('\n'));
        md.append("helm install ")
                .append(facts.releaseName())
                .append(' ')
                .append(chart)
                .append(" -n ")
                .append(facts.namespace())
                .append(" --create-namespace\n```\n");

        if (!facts.nodeSteps().isEmpty()) {
            md.append("\n## What the cluster and each node need first\n\n");
            facts.nodeSteps().forEach(step -> md.append("- ").append(step).append('\n'));
        }

        md.append("\n## Images and artifacts\n\n");
        if (facts.mirror().isPresent()) {
            md.append("| target | digest | source |\n|---|---|---|\n");
            for (LockEntry entry : facts.mirror().get().entries()) {
                md.append("| `")
                        .append(entry.target())
                        .append("` | `")
                        .append(entry.targetDigest())
                        .append("` | `")
                        .append(entry.source())
                        .append("` |\n");
            }
        } else {
            md.append("| target | source |\n|---|---|\n");
            for (PlannedReference reference : pulled(plan)) {
                md.append("| `")
                        .append(reference.target())
                        .append("` | `")
                        .append(reference.source())
                        .append("` |\n");
            }
            md.append("\nNo digests: nothing was mirrored, so none was resolved.\n");
        }

        md.append("\n## Warnings\n\n");
        if (facts.warnings().isEmpty()) {
            md.append("None.\n");
        } else {
            facts.warnings().forEach(warning -> md.append("- ").append(warning).append('\n'));
        }
        return md.toString();
    }

    /** Warnings in the order first reported, each once. */
    public static List<String> distinct(List<String> warnings) {
        return new ArrayList<>(new java.util.LinkedHashSet<>(warnings));
    }
}
