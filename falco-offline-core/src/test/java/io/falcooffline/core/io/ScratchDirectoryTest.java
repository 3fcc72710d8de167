package io.falcooffline.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchDirectoryTest {

    @TempDir
    Path temp;

    @Test
    void shouldDeleteDirectoryTreeOnCloseAndAllowClosingTwice() throws Exception {
        ScratchDirectory scratch = ScratchDirectory.create(temp, ".falco-offline-bake-");
        Path nested = Files.createDirectories(scratch.path().resolve("a/b"));
        Files.writeString(nested.resolve("layer.tar.gz"), "content");

        assertThat(scratch.path().getParent()).isEqualTo(temp);
        assertThat(scratch.path().getFileName().toString()).startsWith(".falco-offline-bake-");

        scratch.close();
        scratch.close();

        assertThat(scratch.path()).doesNotExist();
        assertThat(temp).isEmptyDirectory();
    }
}
