package io.falcooffline.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.DigestMismatchException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class VerifyingInputStreamTest {

    private static final byte[] CONTENT = "falco plugin bytes".getBytes(StandardCharsets.UTF_8);
    private static final Descriptor DESCRIPTOR =
            new Descriptor("application/octet-stream", Digests.sha256(CONTENT), CONTENT.length);

    @Test
    void shouldPassBytesThroughWhenTheyMatch() throws Exception {
        try (InputStream in = new VerifyingInputStream(new ByteArrayInputStream(CONTENT), DESCRIPTOR, "test")) {
            assertThat(in.readAllBytes()).isEqualTo(CONTENT);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void shouldFailAtEndWhenBytesHashToAnotherDigest() {
        byte[] corrupt = CONTENT.clone();
        corrupt[3] ^= 1;
        InputStream in = new VerifyingInputStream(new ByteArrayInputStream(corrupt), DESCRIPTOR, "registry x");

        assertThatThrownBy(in::readAllBytes)
                .isInstanceOf(DigestMismatchException.class)
                .hasMessageContaining(DESCRIPTOR.digest())
                .hasMessageContaining("registry x")
                .hasMessageContaining("hash to sha256:");
    }

    @Test
    void shouldSayTheBundleNeedsWritingAgainRatherThanRetryWhenABundleBlobIsCorrupt() {
        byte[] corrupt = CONTENT.clone();
        corrupt[3] ^= 1;
        InputStream in = new VerifyingInputStream(new ByteArrayInputStream(corrupt), DESCRIPTOR, "bundle /b");

        assertThatThrownBy(in::readAllBytes)
                .hasMessageContaining("write it again with falco-offline:package")
                .hasMessageNotContaining("Retry");
    }

    @Test
    void shouldFailWhenTrailingDataFollowsTheExpectedSize() {
        byte[] longer = (new String(CONTENT, StandardCharsets.UTF_8) + "!").getBytes(StandardCharsets.UTF_8);
        InputStream in = new VerifyingInputStream(new ByteArrayInputStream(longer), DESCRIPTOR, "test");

        assertThatThrownBy(in::readAllBytes)
                .isInstanceOf(DigestMismatchException.class)
                .hasMessageContaining("more than the expected " + CONTENT.length + " bytes");
    }

    @Test
    void shouldFailWhenDataEndsEarly() {
        InputStream in =
                new VerifyingInputStream(new ByteArrayInputStream(CONTENT, 0, CONTENT.length - 1), DESCRIPTOR, "test");

        assertThatThrownBy(in::readAllBytes)
                .isInstanceOf(DigestMismatchException.class)
                .hasMessageContaining("only " + (CONTENT.length - 1) + " of the expected " + CONTENT.length);
    }

    @Test
    void shouldHashSkippedBytesToo() throws Exception {
        byte[] corrupt = CONTENT.clone();
        corrupt[0] ^= 1;
        InputStream in = new VerifyingInputStream(new ByteArrayInputStream(corrupt), DESCRIPTOR, "test");
        assertThat(in.skip(5)).isEqualTo(5);

        assertThatThrownBy(in::readAllBytes).isInstanceOf(DigestMismatchException.class);
    }

    @Test
    void shouldCheckManifestBytesAgainstTheirDescriptor() {
        Manifest manifest = Manifest.of(MediaTypes.OCI_MANIFEST, CONTENT);
        assertThat(manifest.descriptor().digest()).isEqualTo(DESCRIPTOR.digest());

        assertThatThrownBy(() -> new Manifest(
                        new Descriptor(MediaTypes.OCI_MANIFEST, DESCRIPTOR.digest(), 18),
                        "x".repeat(18).getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DigestMismatchException.class);
        assertThatThrownBy(() -> new Descriptor("x", "sha256:abc", 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
