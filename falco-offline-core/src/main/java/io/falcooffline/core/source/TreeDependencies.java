package io.falcooffline.core.source;

import io.falcooffline.core.ChartSourceException;
import io.falcooffline.core.InvalidReferenceException;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.chart.ChartReader;
import io.falcooffline.core.io.SafeText;
import io.falcooffline.core.oci.registry.RegistryClient;
import io.falcooffline.core.plan.OciReference;
import io.falcooffline.core.version.SemanticVersion;
import io.falcooffline.core.yaml.SafeYaml;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Completes the {@code charts/} directory of a chart exported from git as {@code helm dependency build} would: a
 * dependency already in {@code charts/} (a directory or {@code <name>-<version>.tgz}) is kept, any other is fetched
 * from its repository at the version {@code Chart.lock} pins, or else the newest satisfying its constraint.
 */
final class TreeDependencies {

    private static final int MAX_DEPENDENCIES = 100;

    private final ChartSources sources;
    private final GitCharts.Fetched fetched;
    private final String chartPath;
    private final String what;
    private final ProgressListener listener;

    TreeDependencies(
            ChartSources sources, GitCharts.Fetched fetched, String chartPath, String what, ProgressListener listener) {
        this.sources = sources;
        this.fetched = fetched;
        this.chartPath = chartPath;
        this.what = what;
        this.listener = listener;
    }

    void resolveInto(Path chart) throws IOException {
        Map<String, Object> chartYaml =
                SafeYaml.loadMap(Files.readString(chart.resolve("Chart.yaml")), what + "/Chart.yaml");
        List<Map<?, ?>> dependencies = maps(chartYaml.get("dependencies"));
        if (dependencies.isEmpty()) {
            return;
        }
        if (dependencies.size() > MAX_DEPENDENCIES) {
            throw new ChartSourceException(what + "/Chart.yaml lists more than " + MAX_DEPENDENCIES + " dependencies.");
        }
        Map<String, String> locked = lockedVersions(chart);
        Path charts = chart.resolve("charts");
        for (Map<?, ?> dependency : dependencies) {
            String name = String.valueOf(dependency.get("name"));
            String repository =
                    dependency.get("repository") == null ? "" : String.valueOf(dependency.get("repository"));
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new ChartSourceException(
                        what + "/Chart.yaml has a dependency with an invalid name '" + name + "'.");
            }
            if (isPresent(charts, name)) {
                continue;
            }
            String version = locked.getOrDefault(
                    name, dependency.get("version") == null ? "" : String.valueOf(dependency.get("version")));
            VersionConstraint constraint = dependencyConstraint(name, version, locked.containsKey(name));
            Files.createDirectories(charts);
            String lower = repository.toLowerCase(Locale.ROOT);
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                URI uri;
                try {
                    uri = URI.create(stripSlash(repository));
                    if (uri.getHost() == null) {
                        throw new IllegalArgumentException("no host");
                    }
                } catch (IllegalArgumentException e) {
                    throw new ChartSourceException(what + "/Chart.yaml has dependency " + name + " with repository "
                            + SafeText.quote(repository) + ", which is no valid http(s) URL (" + e.getMessage()
                            + "). Give"
                            + " the http(s) URL of its Helm repository, an oci:// or a file:// path.");
                }
                ResolvedChart resolved = sources.repository(uri, name, constraint);
                copyArchive(resolved, charts, name);
            } else if (lower.startsWith("oci://")) {
                copyArchive(sources.oci(ociReference(repository, name, constraint)), charts, name);
            } else if (lower.startsWith("file://")) {
                copyFromTree(repository.substring("file://".length()), charts.resolve(name), name);
            } else {
                throw ChartSources.unsupportedDependency(what, name, repository);
            }
            listener.info("Dependency " + name + " " + version + " of " + what + " fetched from " + repository + ".");
        }
    }

    /** The version a dependency asks for, blamed on the file that gives it, not on the {@code chartVersion} parameter. */
    private VersionConstraint dependencyConstraint(String name, String version, boolean fromLock) {
        try {
            return VersionConstraint.parse(version);
        } catch (InvalidRequestException e) {
            String file = what + (fromLock ? "/Chart.lock" : "/Chart.yaml");
            throw new ChartSourceException(file + " gives dependency " + name + " the version "
                    + SafeText.quote(version)
                    + ", which is not a version or a Helm version constraint: fix it in " + file + " (e.g. 1.2.3 or"
                    + " ~1.2)" + (fromLock ? ", or run helm dependency update to write the lock again." : "."));
        }
    }

    private static boolean isPresent(Path charts, String name) throws IOException {
        if (Files.isRegularFile(charts.resolve(name).resolve("Chart.yaml"))) {
            return true;
        }
        if (!Files.isDirectory(charts)) {
            return false;
        }
        try (Stream<Path> files = Files.list(charts)) {
            return files.map(file -> file.getFileName().toString())
                    .anyMatch(file -> file.startsWith(name + "-")
                            && file.endsWith(".tgz")
                            && Character.isDigit(file.charAt(name.length() + 1)));
        }
    }

    private Map<String, String> lockedVersions(Path chart) throws IOException {
        Path lock = chart.resolve("Chart.lock");
        Map<String, String> versions = new LinkedHashMap<>();
        if (Files.isRegularFile(lock)) {
            for (Map<?, ?> dependency : maps(SafeYaml.loadMap(Files.readString(lock), what + "/Chart.lock")
                    .get("dependencies"))) {
                if (dependency.get("name") != null && dependency.get("version") != null) {
                    versions.put(String.valueOf(dependency.get("name")), String.valueOf(dependency.get("version")));
                }
            }
        }
        return versions;
    }

    private OciReference ociReference(String repository, String name, VersionConstraint constraint) {
        String base = stripSlash(repository.substring("oci://".length())) + "/" + name;
        try {
            OciReference unversioned = OciReference.parse(base);
            if (constraint.isExact()) {
                return unversioned.withTag(constraint.toString().replace('+', '_'));
            }
            List<String> tags;
            try (RegistryClient client =
                    new RegistryClient(sources.registryOptions(unversioned.registry()), listener)) {
                tags = client.listTags(unversioned.repository());
            }
            return tags.stream()
                    .map(tag -> tag.replace('_', '+'))
                    .filter(constraint::isSatisfiedBy)
                    .max(Comparator.comparing(tag -> SemanticVersion.parse(tag).orElseThrow()))
                    .map(tag -> unversioned.withTag(tag.replace('+', '_')))
                    .orElseThrow(() -> new ChartSourceException("No tag of oci://" + base + " satisfies '" + constraint
                            + "' for the dependency " + name + " of " + what + "; it has " + tags + "."));
        } catch (InvalidReferenceException e) {
            throw new ChartSourceException(
                    what + ": the repository of dependency " + name + " is not a valid OCI" + " reference: "
                            + e.getMessage(),
                    e);
        }
    }

    private static void copyArchive(ResolvedChart resolved, Path charts, String name) throws IOException {
        String version = new ChartReader().read(resolved.path()).version();
        Files.copy(resolved.path(), charts.resolve(name + "-" + version + ".tgz"));
    }

    /** Copies a {@code file://} dependency, a path relative to the chart in the same commit. */
    private void copyFromTree(String relative, Path target, String name) throws IOException {
        Path base = Path.of("/", chartPath.isEmpty() ? "." : chartPath);
        Path resolved = base.resolve(relative).normalize();
        if (!resolved.startsWith("/") || resolved.toString().contains("..")) {
            throw new ChartSourceException(
                    what + ": dependency " + name + " points outside the repository ('file://" + relative + "').");
        }
        String treePath = resolved.toString().substring(1);
        Files.createDirectories(target);
        if (!GitCharts.export(fetched, treePath, target, what + " dependency " + name)) {
            throw new ChartSourceException(what + ": dependency " + name + " points at 'file://" + relative
                    + "', which does not exist in the commit.");
        }
    }

    private static List<Map<?, ?>> maps(Object list) {
        List<Map<?, ?>> maps = new ArrayList<>();
        if (list instanceof List<?> items) {
            for (Object item : items) {
                if (item instanceof Map<?, ?> map) {
                    maps.add(map);
                }
            }
        }
        return maps;
    }

    private static String stripSlash(String text) {
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
