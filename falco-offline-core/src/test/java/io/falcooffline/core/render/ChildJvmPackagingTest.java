package io.falcooffline.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmPackagingTest {

    @Test
    void shouldReportTheChildsOutputWhenPackagingFails(@TempDir Path work) {
        assertThatThrownBy(() -> ChildJvmPackaging.run(
                        "077",
                        Map.of("TZ", "Pacific/Kiritimati"),
                        List.of("-Duser.language=tr"),
                        TestCharts.lighthouse(),
                        "registry.internal:5000/not-a-host",
                        work.resolve("out"),
                        List.of()))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("exited with 1")
                .hasMessageContaining("InvalidRequestException")
                .hasMessageContaining("`registry` must be host[:port] only");
        assertThat(Files.exists(work.resolve("out"))).isFalse();
    }

    @Test
    void shouldHashTheFileContentWhenAskedForItsSha256(@TempDir Path work) throws Exception {
        Path file = Files.writeString(work.resolve("abc.txt"), "abc");

        assertThat(ChildJvmPackaging.sha256(file))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
