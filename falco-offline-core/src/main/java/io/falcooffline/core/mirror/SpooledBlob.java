package io.falcooffline.core.mirror;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.io.BulkReads;
import io.falcooffline.core.io.ExecutionFailures;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Location;
import io.falcooffline.core.oci.RangedBlobSource;
import io.falcooffline.core.oci.registry.UploadInterruptedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * A blob fetched in ranges for a registry target: the ranges are written by offset into a temporary file (readable
 * by its owner only, removed afterwards) while an upload reads the file in order, up to the first byte not yet
 * written. The file is the reorder buffer, so memory stays flat whatever the blob's size and however far ahead a
 * range runs; download and upload overlap as with a single stream. The upload hashes what it sends and holds back
 * its last bytes until the digest and length match, so nothing is committed unless the whole blob is right; an
 * upload that breaks is sent again from the complete file without fetching the blob again.
 */
final class SpooledBlob {

    private final FileChannel file;
    private final long size;
    /** Written intervals, start to end (exclusive), merged as they touch. */
    private final TreeMap<Long, Long> written = new TreeMap<>();

    private long contiguous;
    private Throwable fetchFailure;

    private SpooledBlob(FileChannel file, long size) {
        this.file = file;
        this.size = size;
    }

    /** Fetches a blob through {@code fetch} into a temporary file and uploads it to the target as it fills. */
    static void push(
            Location target,
            Descriptor blob,
            Fetch fetch,
            LongConsumer arrived,
            ExecutorService uploader,
            ProgressListener listener) {
        Path temp;
        try {
            temp = Files.createTempFile("falco-offline-" + blob.digest().replace(':', '-') + "-", ".part");
        } catch (IOException e) {
            throw spoolFailure(blob, e);
        }
        try (FileChannel channel = FileChannel.open(
                temp, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE)) {
            SpooledBlob spool = new SpooledBlob(channel, blob.size());
            RangedBlobSource.Sink toFile = RangedBlobSource.Sink.into(channel, arrived);
            Future<?> upload = uploader.submit(() -> upload(target, blob, spool.new InOrder()));
            try {
                fetch.into((buffer, length, position) -> {
                    toFile.write(buffer, length, position);
                    spool.written(position, length);
                });
            } catch (RuntimeException | Error e) {
                spool.failed(e);
                awaitQuietly(upload);
                throw e;
            }
            try {
                upload.get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UploadInterruptedException interrupted)) {
                    throw ExecutionFailures.unwrap(e);
                }
                // Nothing was committed; the target's client now uploads in resumable chunks.
                listener.debug("Sending " + blob.digest() + " to " + target + " again: " + interrupted.getMessage());
                upload(target, blob, spool.new InOrder());
            } catch (InterruptedException e) {
                upload.cancel(true);
                Thread.currentThread().interrupt();
                throw new FalcoOfflineException("Interrupted while uploading " + blob.digest(), e);
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

    /** Fetches the blob's bytes into a sink. */
    @FunctionalInterface
    interface Fetch {
        /** Writes every byte of the blob into {@code sink}. */
        void into(RangedBlobSource.Sink sink);
    }

    private static Void upload(Location target, Descriptor blob, InputStream content) {
        target.store().pushBlob(target.repository(), blob, content);
        return null;
    }

    private static void awaitQuietly(Future<?> upload) {
        try {
            upload.get();
        } catch (ExecutionException e) {
            // The fetch failure explains; the upload only stopped for want of bytes.
        } catch (InterruptedException e) {
            upload.cancel(true);
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void written(long position, long length) {
        long start = position;
        long end = position + length;
        Map.Entry<Long, Long> before = written.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
        }
        Long after = written.get(end);
        if (after != null) {
            written.remove(end);
            end = after;
        }
        written.put(start, end);
        if (start == 0) {
            contiguous = end;
            notifyAll();
        }
    }

    private synchronized void failed(Throwable failure) {
        fetchFailure = failure;
        notifyAll();
    }

    /** Waits until byte {@code position} is written; returns how many bytes from there are. */
    private synchronized long writtenFrom(long position) throws IOException {
        while (contiguous <= position && fetchFailure == null) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Interrupted while waiting for the blob's next range");
            }
        }
        if (contiguous <= position) {
            throw new IOException("fetching the blob failed: " + fetchFailure.getMessage(), fetchFailure);
        }
        return contiguous - position;
    }

    private static FalcoOfflineException spoolFailure(Descriptor blob, IOException e) {
        return new FalcoOfflineException(
                "Cannot spool blob " + blob.digest() + " (" + blob.size() + " bytes) to a temporary file in "
                        + System.getProperty("java.io.tmpdir") + ": " + e.getMessage()
                        + ". Large blobs are fetched in parallel ranges into a temporary file while they are"
                        + " uploaded; free space there or point java.io.tmpdir elsewhere.",
                e);
    }

    /** The file's bytes in order, each read waiting until the ranges have written it. */
    private final class InOrder extends InputStream {
        private long position;

        @Override
        public int read() throws IOException {
            return BulkReads.read(this);
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (position >= size) {
                return -1;
            }
            int wanted = (int) Math.min(length, writtenFrom(position));
            int n = file.read(ByteBuffer.wrap(buffer, offset, wanted), position);
            if (n < 0) {
                throw new IOException("the temporary file ended at byte " + position + " of " + size);
            }
            position += n;
            return n;
        }
    }
}
