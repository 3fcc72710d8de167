package io.falcooffline.core.source;

import io.falcooffline.core.oci.Digests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The digest of a chart directory: SHA-256 over each regular file's relative path and content digest in path
 * order, so the same files give the same digest wherever the directory is.
 */
final class DirectoryDigest {

    private DirectoryDigest() {}

    static String of(Path directory) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        ByteArrayOutputStream listing = new ByteArrayOutputStream();
        for (Path file : files) {
            String relative = directory.relativize(file).toString().replace('\\', '/');
            listing.writeBytes((relative + " " + Digests.sha256(Files.readAllBytes(file)) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return Digests.sha256(listing.toByteArray());
    }
}
