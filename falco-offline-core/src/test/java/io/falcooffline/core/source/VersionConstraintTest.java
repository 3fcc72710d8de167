package io.falcooffline.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.falcooffline.core.InvalidRequestException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VersionConstraintTest {

    private static final List<String> VERSIONS = List.of(
            "0.0.3",
            "0.2.3",
            "0.2.9",
            "0.3.0",
            "1.2.3",
            "1.2.10",
            "1.3.0",
            "2.0.0",
            "2.1.0-rc.1",
            "9.0.0",
            "9.0.4",
            "9.1.0",
            "10.0.0");

    /** Expected matches follow the semver constraint rules Helm uses (github.com/Masterminds/semver v3). */
    @ParameterizedTest
    @CsvSource(
            delimiter = ';',
            value = {
                "9.0.0          ; 9.0.0",
                "=9.0.0         ; 9.0.0",
                "9.0.*          ; 9.0.0 9.0.4",
                "9.0.x          ; 9.0.0 9.0.4",
                "9.0            ; 9.0.0 9.0.4",
                "9              ; 9.0.0 9.0.4 9.1.0",
                "~9.0           ; 9.0.0 9.0.4",
                "~9             ; 9.0.0 9.0.4 9.1.0",
                "~1.2.4         ; 1.2.10",
                "^9             ; 9.0.0 9.0.4 9.1.0",
                "^0.2.3         ; 0.2.3 0.2.9",
                "^0.0.3         ; 0.0.3",
                ">=9 <10        ; 9.0.0 9.0.4 9.1.0",
                ">= 9.0.1, < 9.1 ; 9.0.4",
                ">9.0           ; 9.1.0 10.0.0",
                ">9.0.0         ; 9.0.4 9.1.0 10.0.0",
                "<=1.2          ; 0.0.3 0.2.3 0.2.9 0.3.0 1.2.3 1.2.10",
                "!=9.0.0 >=9 <10 ; 9.0.4 9.1.0",
                "1.2 - 1.3.0    ; 1.2.3 1.2.10 1.3.0",
                "0.0.3 || ~9.1  ; 0.0.3 9.1.0",
                "*              ; 0.0.3 0.2.3 0.2.9 0.3.0 1.2.3 1.2.10 1.3.0 2.0.0 9.0.0 9.0.4 9.1.0 10.0.0",
                ">=2.1.0-rc.0   ; 2.1.0-rc.1 9.0.0 9.0.4 9.1.0 10.0.0",
            })
    void selectsAsHelmDoes(String constraint, String expected) {
        VersionConstraint parsed = VersionConstraint.parse(constraint);
        assertThat(VERSIONS.stream().filter(parsed::isSatisfiedBy).toList()).containsExactly(expected.split(" "));
    }

    @ParameterizedTest
    @CsvSource({"9.0.0, true", "9.0.*, false", "~9.0, false", "'>=9 <10', false", "9.0, false"})
    void tellsExactVersions(String constraint, boolean exact) {
        assertThat(VersionConstraint.parse(constraint).isExact()).isEqualTo(exact);
    }

    @ParameterizedTest
    @CsvSource({"nine", "'>=9 ||'", "9.0.0.0", "~>"})
    void rejectsWhatIsNoConstraint(String constraint) {
        assertThatThrownBy(() -> VersionConstraint.parse(constraint))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("chartVersion")
                .hasMessageContaining(constraint.strip());
    }
}
