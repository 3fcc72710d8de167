package io.falcooffline.core.node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the part of TOML that containerd's {@code hosts.toml} uses: {@code key = value} with basic strings, arrays of
 * strings and booleans, the {@code [host."<url>"]} tables in file order ({@code hosts.go} {@code getSortedHosts}) and
 * their {@code .header} sub-tables (skipped). Anything else makes the file unreadable, as a TOML error makes
 * containerd fall back to the directory's certificate files.
 *
 * @param server the root {@code server}, or null
 * @param root the root keys
 * @param hosts each host table by URL, in file order
 */
record HostsTomlFile(String server, Map<String, Object> root, Map<String, Map<String, Object>> hosts) {

    private static final Pattern HOST_TABLE = Pattern.compile("\\[\\s*host\\.\"([^\"]+)\"\\s*(\\.\\s*header\\s*)?]");
    private static final Pattern KEY_VALUE = Pattern.compile("([A-Za-z0-9_-]+)\\s*=\\s*(.+)");
    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    static Optional<HostsTomlFile> parse(String text) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Map<String, Object>> hosts = new LinkedHashMap<>();
        Map<String, Object> current = root;
        for (String rawLine : text.split("\n")) {
            String line = stripComment(rawLine).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("[")) {
                Matcher table = HOST_TABLE.matcher(line);
                if (line.equals("[header]")) {
                    current = null;
                } else if (table.matches()) {
                    Map<String, Object> host = hosts.computeIfAbsent(table.group(1), url -> new LinkedHashMap<>());
                    current = table.group(2) == null ? host : null;
                } else {
                    return Optional.empty();
                }
                continue;
            }
            Matcher keyValue = KEY_VALUE.matcher(line);
            if (!keyValue.matches()) {
                return Optional.empty();
            }
            Optional<Object> value = value(keyValue.group(2).strip());
            if (value.isEmpty()) {
                return Optional.empty();
            }
            if (current != null && current.put(keyValue.group(1), value.get()) != null) {
                return Optional.empty(); // TOML refuses a key set twice
            }
        }
        Object server = root.get("server");
        if (server != null && !(server instanceof String)) {
            return Optional.empty();
        }
        return Optional.of(new HostsTomlFile((String) server, root, hosts));
    }

    private static Optional<Object> value(String text) {
        if (text.equals("true") || text.equals("false")) {
            return Optional.of(Boolean.parseBoolean(text));
        }
        Matcher string = STRING.matcher(text);
        if (string.matches()) {
            return Optional.of(string.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        if (text.startsWith("[") && text.endsWith("]")) {
            List<Object> items = new ArrayList<>();
            String inner = text.substring(1, text.length() - 1).strip();
            if (inner.isEmpty()) {
                return Optional.of(items);
            }
            for (String item : inner.split(",", -1)) {
                if (item.isBlank()) {
                    continue; // a trailing comma
                }
                Matcher element = STRING.matcher(item.strip());
                if (!element.matches()) {
                    return Optional.empty();
                }
                items.add(element.group(1));
            }
            return Optional.of(items);
        }
        return Optional.empty();
    }

    private static String stripComment(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"' && (i == 0 || line.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (c == '#' && !quoted) {
                return line.substring(0, i);
            }
        }
        return line;
    }
}
