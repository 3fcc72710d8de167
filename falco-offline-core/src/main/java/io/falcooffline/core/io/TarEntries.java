package io.falcooffline.core.io;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** What a tar entry is, by its type flag: commons-compress's {@code isFile()} is true for every non-directory. */
public final class TarEntries {

    private TarEntries() {}

    /** Whether the entry is a regular file: type {@code '0'} or the old {@code NUL}, and no directory name. */
    public static boolean isRegularFile(TarArchiveEntry entry) {
        byte type = entry.getLinkFlag();
        return (type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM)
                && !entry.getName().endsWith("/");
    }
}
