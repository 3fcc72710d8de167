package io.falcooffline.core.values;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.yaml.SafeYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One of the user's values files, as {@code helm install -f} would read it. */
public record ValuesFile(Path path, Map<String, Object> values) {

    /** Reads the files in order. */
    public static List<ValuesFile> load(List<Path> files) {
        List<ValuesFile> loaded = new ArrayList<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new InvalidRequestException(
                        "valuesFiles",
                        "Values file " + file + " does not exist or is not a file: fix the path in `valuesFiles`.");
            }
            try {
                loaded.add(new ValuesFile(
                        file, SafeYaml.loadMap(Files.readString(file, StandardCharsets.UTF_8), file.toString())));
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new InvalidRequestException(
                        "valuesFiles",
                        "Values file " + file + " is not UTF-8 text (an editor may have saved it as UTF-16 or"
                                + " Latin-1): save it as UTF-8, which is what Helm reads.");
            } catch (IOException e) {
                throw new InvalidRequestException(
                        "valuesFiles", "Cannot read values file " + file + ": " + e.getMessage());
            }
        }
        return loaded;
    }
}
