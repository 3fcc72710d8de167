package io.falcooffline.core.mirror;

import io.falcooffline.core.RepositoryLayout;
import io.falcooffline.core.plan.Disposition;
import io.falcooffline.core.plan.PlannedReference;
import io.falcooffline.core.reference.FalcoctlIndex;
import io.falcooffline.core.reference.OciReference;
import io.falcooffline.core.reference.ReferenceKind;
import io.falcooffline.core.reference.ReferenceMapper;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where a falcoctl dependency goes when the caller supplies no mapping: beside the plan's own references. A
 * dependency whose repository the plan already mirrors goes to that target repository; otherwise the repository
 * layout and prefix the plan's references follow are applied.
 */
final class DependencyTargets {

    private DependencyTargets() {}

    private record Rule(RepositoryLayout layout, String prefix) {}

    static UnaryOperator<String> inferred(String internalRegistry, List<PlannedReference> references) {
        Map<String, OciReference> targetByName = new LinkedHashMap<>();
        Map<Rule, Integer> votes = new LinkedHashMap<>();
        String registry = OciReference.canonicalRegistry(internalRegistry);
        for (PlannedReference reference : references) {
            if (reference.disposition() != Disposition.REDIRECTED
                    || reference.kind() == ReferenceKind.INDEX
                    || !OciReference.isValid(reference.source())
                    || !OciReference.isValid(reference.target())) {
                continue;
            }
            OciReference source = OciReference.parse(reference.source());
            OciReference target = OciReference.parse(reference.target());
            if (!target.registry().equals(registry)) {
                continue;
            }
            targetByName.putIfAbsent(source.name(), target);
            vote(votes, source, target);
        }
        Rule rule = votes.entrySet().stream()
                .max(Comparator.comparingInt((Map.Entry<Rule, Integer> entry) -> entry.getValue())
                        .thenComparing(entry -> entry.getKey().layout() == RepositoryLayout.KEEP))
                .map(Map.Entry::getKey)
                .orElse(new Rule(RepositoryLayout.KEEP, ""));
        ReferenceMapper mapper =
                new ReferenceMapper(registry, rule.prefix(), rule.layout(), Map.of(), FalcoctlIndex.builtIn());
        return sourceText -> {
            OciReference source = OciReference.parse(sourceText);
            return Optional.ofNullable(targetByName.get(source.name()))
                    .map(known -> known.withTagAndDigestOf(source))
                    .orElseGet(() -> mapper.map(source))
                    .toString();
        };
    }

    private static void vote(Map<Rule, Integer> votes, OciReference source, OciReference target) {
        String sourcePath = source.repository();
        String targetPath = target.repository();
        if (targetPath.equals(sourcePath) || targetPath.endsWith("/" + sourcePath)) {
            String prefix = targetPath.substring(0, Math.max(0, targetPath.length() - sourcePath.length() - 1));
            votes.merge(new Rule(RepositoryLayout.KEEP, prefix), 1, Integer::sum);
        }
        String last = source.lastSegment();
        if (targetPath.equals(last) || targetPath.endsWith("/" + last)) {
            String prefix = targetPath.substring(0, Math.max(0, targetPath.length() - last.length() - 1));
            votes.merge(new Rule(RepositoryLayout.FLATTEN, prefix), 1, Integer::sum);
        }
    }
}
