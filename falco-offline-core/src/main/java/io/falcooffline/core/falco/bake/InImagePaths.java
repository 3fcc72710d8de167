package io.falcooffline.core.falco.bake;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Paths inside the Falco image, and the archive entry names they are made from. */
final class InImagePaths {

    /** Where Falco resolves a plugin's relative {@code library_path} and where falcoctl installs plugins. */
    static final String PLUGINS_DIRECTORY = "/usr/share/falco/plugins";
    /** The file of the Falco image that turns the container plugin on. */
    static final String CONTAINER_PLUGIN_CONFIG = "/etc/falco/config.d/falco.container_plugin.yaml";

    private InImagePaths() {}

    /** Whether {@code path} is absolute, not the root, and has no empty, {@code .} or {@code ..} segment. */
    static boolean isAbsoluteNormalized(String path) {
        if (path == null || path.length() < 2 || !path.startsWith("/") || path.endsWith("/")) {
            return false;
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /**
     * The relative path an archive entry extracts to, as falcoctl extracts it into its plugins or rules directory:
     * {@code ./} and empty segments dropped. Empty for the archive root itself.
     *
     * @throws IllegalArgumentException when the name is absolute or has a {@code ..} segment, so it would leave the
     *     directory
     */
    static Optional<String> relativeEntry(String name) {
        if (name.startsWith("/")) {
            throw new IllegalArgumentException("it is an absolute path");
        }
        List<String> kept = new ArrayList<>();
        for (String segment : name.split("/")) {
            if (segment.equals("..")) {
                throw new IllegalArgumentException("it has a '..' segment");
            }
            if (!segment.isEmpty() && !segment.equals(".")) {
                kept.add(segment);
            }
        }
        return kept.isEmpty() ? Optional.empty() : Optional.of(String.join("/", kept));
    }

    /** The directories above an absolute path, outermost first: {@code /usr}, {@code /usr/share}, … */
    static List<String> parents(String path) {
        List<String> parents = new ArrayList<>();
        int slash = path.indexOf('/', 1);
        while (slash > 0) {
            parents.add(path.substring(0, slash));
            slash = path.indexOf('/', slash + 1);
        }
        return parents;
    }

    /** The last segment of a path. */
    static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
