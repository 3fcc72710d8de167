package io.falcooffline.core.oci.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.RegistryException;
import io.falcooffline.core.oci.Descriptor;
import io.falcooffline.core.oci.Manifest;
import io.falcooffline.core.oci.OciStore;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a run's stores remember of the manifests and tags they read, and when they read again. */
class RememberedReadsTest {

    private static final Manifest MANIFEST = Manifest.of(
            "application/vnd.oci.image.manifest.v1+json",
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[]}"
                    .getBytes(StandardCharsets.UTF_8));

    private final CountingStore store = new CountingStore();
    private final RememberedReads remembered = new RememberedReads(store);
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void shouldReadAManifestOnceWhenAskedAgainWhileTheFirstReadIsInFlight() throws Exception {
        store.holdReads = new CountDownLatch(1);
        Future<Manifest> first = threads.submit(() -> remembered.fetchManifest("falco/falco", "0.44.0"));
        store.readStarted.await(10, TimeUnit.SECONDS);
        Future<Manifest> second = threads.submit(() -> remembered.fetchManifest("falco/falco", "0.44.0"));
        Thread.sleep(100); // the second caller is now waiting on the first read, or about to
        store.holdReads.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isSameAs(MANIFEST);
        assertThat(second.get(10, TimeUnit.SECONDS)).isSameAs(MANIFEST);
        assertThat(remembered.fetchManifest("falco/falco", "0.44.0")).isSameAs(MANIFEST);
        assertThat(store.reads("manifest falco/falco:0.44.0")).isEqualTo(1);
    }

    @Test
    void shouldRememberThatATagIsAbsentAndForgetItOnceTheRunWritesIt() {
        assertThat(remembered.resolve("falco/falco", "sha256-abc.sig")).isEmpty();
        assertThat(remembered.resolve("falco/falco", "sha256-abc.sig")).isEmpty();
        assertThat(store.reads("tag falco/falco:sha256-abc.sig")).isEqualTo(1);

        remembered.pushManifest("falco/falco", "sha256-abc.sig", MANIFEST);

        assertThat(remembered.resolve("falco/falco", "sha256-abc.sig")).contains(MANIFEST.descriptor());
        assertThat(store.reads("tag falco/falco:sha256-abc.sig")).isEqualTo(2);
        assertThat(remembered.resolve("other/repository", "sha256-abc.sig")).isEmpty();
    }

    @Test
    void shouldReadAgainAfterAFailureInsteadOfRememberingIt() {
        store.failuresLeft.set(1);

        assertThatThrownBy(() -> remembered.fetchManifest("falco/falco", "0.44.0"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("503");
        assertThat(remembered.fetchManifest("falco/falco", "0.44.0")).isSameAs(MANIFEST);
        assertThat(store.reads("manifest falco/falco:0.44.0")).isEqualTo(2);
    }

    @Test
    void shouldReadForItselfWhenTheReadItWaitedForFailed() throws Exception {
        store.holdReads = new CountDownLatch(1);
        store.failuresLeft.set(1);
        Future<Manifest> first = threads.submit(() -> remembered.fetchManifest("falco/falco", "0.44.0"));
        store.readStarted.await(10, TimeUnit.SECONDS);
        Future<Manifest> second = threads.submit(() -> remembered.fetchManifest("falco/falco", "0.44.0"));
        Thread.sleep(100);
        store.holdReads.countDown();

        assertThatThrownBy(() -> first.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(RegistryException.class);
        assertThat(second.get(10, TimeUnit.SECONDS)).isSameAs(MANIFEST);
        assertThat(store.reads("manifest falco/falco:0.44.0")).isEqualTo(2);
    }

    /** A registry holding one manifest under every name, counting what it is asked. */
    private static final class CountingStore implements OciStore {
        final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
        final Map<String, Descriptor> written = new ConcurrentHashMap<>();
        final CountDownLatch readStarted = new CountDownLatch(1);
        final AtomicInteger failuresLeft = new AtomicInteger();
        volatile CountDownLatch holdReads;

        int reads(String what) {
            return asked.getOrDefault(what, new AtomicInteger()).get();
        }

        @Override
        public Optional<Descriptor> resolve(String repository, String reference) {
            asked.computeIfAbsent("tag " + repository + ":" + reference, key -> new AtomicInteger())
                    .incrementAndGet();
            return Optional.ofNullable(written.get(repository + ":" + reference));
        }

        @Override
        public Manifest fetchManifest(String repository, String reference) {
            asked.computeIfAbsent("manifest " + repository + ":" + reference, key -> new AtomicInteger())
                    .incrementAndGet();
            readStarted.countDown();
            CountDownLatch hold = holdReads;
            if (hold != null) {
                try {
                    hold.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (failuresLeft.getAndDecrement() > 0) {
                throw new RegistryException(503, "registry answered 503", null);
            }
            return MANIFEST;
        }

        @Override
        public void pushManifest(String repository, String reference, Manifest manifest) {
            written.put(repository + ":" + reference, manifest.descriptor());
        }

        @Override
        public InputStream fetchBlob(String repository, Descriptor blob) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean hasBlob(String repository, Descriptor blob) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void pushBlob(String repository, Descriptor blob, InputStream content) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean mountBlob(String repository, Descriptor blob, String fromRepository) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> listTags(String repository) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String describe() {
            return "counting store";
        }

        @Override
        public void close() {}
    }
}
