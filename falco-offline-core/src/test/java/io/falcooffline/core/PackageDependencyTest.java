package io.falcooffline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package hierarchy of the core, made executable: which internal package may use which (ARCHITECTURE.md,
 * "Package dependencies", prints the same table). The OCI layer sits below every stage, helpers below that, the
 * plan depends on nothing, and no package may reach one that reaches back to it.
 *
 * <p>Every internal package may use the API types of {@code io.falcooffline.core} (requests, options, exceptions),
 * but none the orchestrator ({@code Pipeline}) or the entry point ({@code FalcoOffline}).
 */
class PackageDependencyTest {

    private static final Path SOURCES = Path.of("src/main/java/io/falcooffline/core");
    private static final Set<String> ORCHESTRATION = Set.of("Pipeline", "FalcoOffline");
    private static final Pattern REFERENCE =
            Pattern.compile("\\bio\\.falcooffline\\.core\\.((?:[a-z]\\w*\\.)*)([A-Z]\\w*)");

    /** Internal package to the internal packages it may use. */
    static final Map<String, Set<String>> ALLOWED = new TreeMap<>(Map.ofEntries(
            Map.entry("plan", Set.of()),
            Map.entry("io", Set.of()),
            Map.entry("net", Set.of()),
            Map.entry("version", Set.of()),
            Map.entry("yaml", Set.of()),
            Map.entry("oci", Set.of("io")),
            Map.entry("oci.registry", Set.of("oci", "io", "net", "plan")),
            Map.entry("oci.layout", Set.of("oci", "io")),
            Map.entry("source", Set.of("chart", "oci", "oci.registry", "io", "net", "plan", "version", "yaml")),
            Map.entry("chart", Set.of("io", "yaml")),
            Map.entry("values", Set.of("chart", "yaml")),
            Map.entry("reference", Set.of("chart", "values", "plan", "yaml")),
            Map.entry("node", Set.of("values", "io")),
            Map.entry("rewrite", Set.of("chart", "values", "reference", "plan", "yaml")),
            Map.entry(
                    "falco",
                    Set.of("values", "reference", "oci", "oci.registry", "io", "net", "plan", "version", "yaml")),
            Map.entry("audit", Set.of("falco", "values", "io", "plan", "yaml")),
            Map.entry("verify", Set.of("chart", "io", "plan", "yaml")),
            Map.entry("mirror", Set.of("oci", "oci.registry", "oci.layout", "io", "net", "plan")),
            Map.entry("falco.bake", Set.of("falco", "mirror", "oci", "oci.registry", "io", "plan")),
            Map.entry("output", Set.of("io", "plan")),
            Map.entry("publish", Set.of("chart", "source", "mirror", "oci", "oci.registry", "io", "plan"))));

    @Test
    void shouldUseOnlyTheAllowedPackagesFromEachInternalPackage() throws IOException {
        List<String> violations = new ArrayList<>();
        Map<String, Set<String>> used = usedPackages(violations);
        used.forEach((pkg, deps) -> {
            Set<String> allowed = ALLOWED.get(pkg);
            if (allowed == null) {
                violations.add(pkg + " is a new package: add its allowed dependencies to ALLOWED and ARCHITECTURE.md");
                return;
            }
            for (String dep : deps) {
                if (!dep.isEmpty() && !dep.equals(pkg) && !allowed.contains(dep)) {
                    violations.add(pkg + " uses " + dep);
                }
            }
        });
        assertThat(violations).as("package dependencies outside the hierarchy").isEmpty();
    }

    @Test
    void shouldAllowNoCycleAmongInternalPackages() {
        assertThat(cycles(ALLOWED)).as("cycles in the allowed hierarchy").isEmpty();
    }

    @Test
    void shouldFindACycleWhenOneIsThere() {
        Map<String, Set<String>> withCycle = new TreeMap<>(ALLOWED);
        withCycle.put("oci", Set.of("mirror"));
        assertThat(cycles(withCycle)).isNotEmpty();
    }

    private static Map<String, Set<String>> usedPackages(List<String> violations) throws IOException {
        Map<String, Set<String>> used = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
                String text = withoutComments(Files.readString(file));
                Set<String> deps = used.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(text);
                while (m.find()) {
                    String target = m.group(1).isEmpty()
                            ? ""
                            : m.group(1).substring(0, m.group(1).length() - 1);
                    if (target.isEmpty() && !pkg.isEmpty() && ORCHESTRATION.contains(m.group(2))) {
                        violations.add(file.getFileName() + " (" + pkg + ") uses the orchestrator " + m.group(2));
                    }
                    if (!pkg.isEmpty()) {
                        deps.add(target);
                    }
                }
            }
        }
        used.remove("");
        return used;
    }

    private static String withoutComments(String text) {
        return text.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
    }

    /** Each package from which a path leads back to itself. */
    private static Set<String> cycles(Map<String, Set<String>> graph) {
        Set<String> inCycle = new TreeSet<>();
        for (String start : graph.keySet()) {
            List<String> stack = new ArrayList<>(graph.getOrDefault(start, Set.of()));
            Set<String> seen = new TreeSet<>();
            while (!stack.isEmpty()) {
                String next = stack.remove(stack.size() - 1);
                if (next.equals(start)) {
                    inCycle.add(start);
                    break;
                }
                if (seen.add(next)) {
                    stack.addAll(graph.getOrDefault(next, Set.of()));
                }
            }
        }
        return inCycle;
    }
}
