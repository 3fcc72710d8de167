package io.falcooffline.core.falco;

import io.falcooffline.core.io.SafeText;
import io.falcooffline.core.io.TarEntries;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * What falcoctl 0.13.0 refuses in an artifact's layer, and what falco-offline refuses besides where it expects a file,
 * checked the same way in both deliveries (the registry delivery's file listing and the baked image's extraction):
 *
 * <ul>
 *   <li>a layer title (the {@code org.opencontainers.image.title} annotation, the name the puller stores the layer
 *       under) that is empty or leaves the download directory: oras-go 2.6.0 {@code content/file/file.go}
 *       ({@code resolveWritePath} answers {@code ErrPathTraversalDisallowed}), which falcoctl's
 *       {@code pkg/oci/puller/puller.go} uses as its file store;
 *   <li>an entry whose name holds {@code ..} anywhere ("not allowed relative path in tar archive") or whose type is
 *       none of directory, regular file, hard link and symbolic link ("uknown type"): {@code internal/utils/extract.go}
 *       {@code ExtractTarGz};
 *   <li>beyond falcoctl, a link (hard or symbolic) where a plugin library or rules file is expected: a link installs a
 *       file falco-offline never saw, and {@code isFile()} of commons-compress is true for every non-directory entry,
 *       so the type flag decides.
 * </ul>
 */
public final class FalcoctlLayerRules {

    private FalcoctlLayerRules() {}

    /** Why falcoctl would refuse a layer title, or empty when it accepts it. */
    public static Optional<String> titleProblem(String title) {
        if (title.isBlank()) {
            return Optional.of("its layer has no " + FalcoMediaTypes.TITLE + " annotation");
        }
        Path base = Path.of("/download");
        Path target = base.resolve(title).normalize();
        if (title.indexOf('\0') >= 0 || !target.startsWith(base) || target.equals(base)) {
            return Optional.of("its layer title " + SafeText.quote(title) + " names no file inside the directory"
                    + " falcoctl downloads to, and falcoctl refuses it (path traversal disallowed)");
        }
        return Optional.empty();
    }

    /**
     * Why an entry cannot be installed as a file: refused by falcoctl, or a link where a file is expected. Empty for a
     * regular file or a directory.
     */
    public static Optional<String> entryProblem(TarArchiveEntry entry) {
        String name = SafeText.quote(entry.getName());
        if (entry.getName().contains("..")) {
            return Optional.of("the entry " + name + " has '..' in its name, which falcoctl refuses (\"not allowed"
                    + " relative path in tar archive\")");
        }
        if (entry.isDirectory() || isRegularFile(entry)) {
            return Optional.empty();
        }
        String kind;
        if (entry.isSymbolicLink()) {
            kind = "is a symbolic link";
        } else if (entry.isLink()) {
            kind = "is a hard link";
        } else if (entry.isFIFO()) {
            kind = "is a FIFO, which falcoctl refuses";
        } else if (entry.isCharacterDevice() || entry.isBlockDevice()) {
            kind = "is a device, which falcoctl refuses";
        } else {
            kind = "has tar type '" + (char) entry.getLinkFlag() + "', which falcoctl refuses";
        }
        return Optional.of("the entry " + name + " " + kind + ", not a regular file; a plugin library or rules file"
                + " must be one");
    }

    /** Whether the entry is a regular file by its type flag ({@link TarEntries}). */
    public static boolean isRegularFile(TarArchiveEntry entry) {
        return TarEntries.isRegularFile(entry);
    }
}
