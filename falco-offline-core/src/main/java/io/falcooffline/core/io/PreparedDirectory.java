package io.falcooffline.core.io;

import io.falcooffline.core.FalcoOfflineException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A directory of files a stage prepared in memory for the output directory (the kube-apiserver files, the node
 * files), handed to the output stage, which writes each such directory as a whole and knows nothing of what is in it.
 *
 * @param name the directory's name under the output directory
 * @param description what the files are, for the log and for messages ("the kube-apiserver audit files")
 * @param files path inside the directory to content, in order
 * @param detail what the log adds once they are written, in parentheses ("steps in README.md")
 * @param warnings what the user should look at once they are written
 */
public record PreparedDirectory(
        String name, String description, Map<String, byte[]> files, String detail, List<String> warnings) {

    public PreparedDirectory {
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
        warnings = List.copyOf(warnings);
    }

    /**
     * Writes the files into {@code directory}, replacing it as a whole: they are written to a sibling temporary
     * directory that is then moved into place, so the directory never holds a half-written set.
     *
     * @return the directory, absolute
     * @throws FalcoOfflineException when the directory cannot be written, or a path leaves it
     */
    public Path writeTo(Path directory) {
        Path absolute = directory.toAbsolutePath().normalize();
        AtomicFiles.replaceDirectory(absolute, description, staging -> {
            for (Map.Entry<String, byte[]> file : files.entrySet()) {
                AtomicFiles.write(
                        OutputPaths.inside(staging, file.getKey(), "file of " + description), file.getValue());
            }
        });
        return absolute;
    }

    /** Writes the files into the directory {@link #name} under {@code outputDirectory}; see {@link #writeTo}. */
    public Path writeInto(Path outputDirectory) {
        return writeTo(OutputPaths.inside(outputDirectory, name, description));
    }
}
