package io.falcooffline.core.plan;

/**
 * Where a reference was found.
 *
 * @param chart the chart path inside the archive: {@code falco} or {@code falco/charts/falcosidekick}
 * @param file the file inside that chart: {@code values.yaml}, {@code templates/tests/test-connection.yaml}, or a
 *     user values file path
 * @param yamlPath the dotted YAML path of the value ({@code falcoctl.config.artifact.install.refs[0]}), or empty for
 *     a template line
 * @param line the 1-based line in the file for template literals, 0 when not known
 */
public record ReferenceLocation(String chart, String file, String yamlPath, int line) {

    @Override
    public String toString() {
        String where = chart + "/" + file;
        if (!yamlPath.isEmpty()) {
            where += " " + yamlPath;
        }
        if (line > 0) {
            where += ":" + line;
        }
        return where;
    }
}
