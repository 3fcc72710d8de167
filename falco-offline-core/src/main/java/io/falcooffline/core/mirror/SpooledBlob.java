package io.falcooffline.core.mirror;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.FileFilledBlobs;
import io.falcooffline.core.oci.Location;
import io.falcooffline.core.oci.registry.UploadInterruptedException;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A blob fetched by offset into a temporary file (readable by its owner only, removed afterwards), then uploaded from
 * it as one stream the target verifies before it commits. Memory stays flat whatever the blob's size, and an upload
 * that breaks is sent again from the file without fetching the blob again.
 */
final class SpooledBlob {

    private SpooledBlob() {}

    static void push(Location target, Descriptor blob, FileFilledBlobs.Filler filler, ProgressListener listener) {
        Path temp;
        try {
            temp = Files.createTempFile("falco-offline-" + blob.digest().replace(':', '-') + "-", ".part");
        } catch (IOException e) {
            throw spoolFailure(blob, e);
        }
        try (FileChannel file = FileChannel.open(
                temp, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE)) {
            filler.fill(file);
            try {
                upload(target, blob, file);
            } catch (UploadInterruptedException e) {
                // Nothing was committed; the target's client now uploads in resumable chunks.
                listener.debug("Sending " + blob.digest() + " to " + target + " again: " + e.getMessage());
                upload(target, blob, file);
            }
        } catch (IOException e) {
            throw spoolFailure(blob, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // DELETE_ON_CLOSE removed it already, or the system's temporary directory is cleaned anyway.
            }
        }
    }

    private static void upload(Location target, Descriptor blob, FileChannel file) throws IOException {
        file.position(0);
        // The upload hashes the stream and holds back its last bytes until digest and length match.
        target.store().pushBlob(target.repository(), blob, Channels.newInputStream(file));
    }

    private static FalcoOfflineException spoolFailure(Descriptor blob, IOException e) {
        return new FalcoOfflineException(
                "Cannot spool blob " + blob.digest() + " (" + blob.size() + " bytes) to a temporary file in "
                        + System.getProperty("java.io.tmpdir") + ": " + e.getMessage()
                        + ". Large blobs are fetched in parallel ranges into a temporary file before they are"
                        + " uploaded; free space there or point java.io.tmpdir elsewhere.",
                e);
    }
}
