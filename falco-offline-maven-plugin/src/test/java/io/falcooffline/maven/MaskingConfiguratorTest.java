package io.falcooffline.maven;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.codehaus.plexus.component.configurator.ConfigurationListener;
import org.junit.jupiter.api.Test;

class MaskingConfiguratorTest {

    private final List<String> logged = new ArrayList<>();
    private final ConfigurationListener debugLog = new ConfigurationListener() {
        @Override
        public void notifyFieldChangeUsingSetter(String fieldName, Object value, Object target) {
            logged.add("(s) " + fieldName + " = " + value);
        }

        @Override
        public void notifyFieldChangeUsingReflection(String fieldName, Object value, Object target) {
            logged.add("(f) " + fieldName + " = " + value);
        }
    };

    @Test
    void shouldHandTheDebugLogMaskedValuesOnly() {
        ConfigurationListener masking = new MaskingConfigurator.Masking(debugLog);

        masking.notifyFieldChangeUsingReflection("registry", "alice:Pl4nted@registry.internal:5000", this);
        masking.notifyFieldChangeUsingSetter(
                "registryMirrors", "docker.io=bob:Pl4nted@nexus:8443/x,ghcr.io=https://c:Pl4nted@n/y", this);
        masking.notifyFieldChangeUsingReflection("parallelism", 3, this);
        masking.notifyFieldChangeUsingReflection("overrides", new String[] {"a=token=Pl4nted"}, this);

        assertThat(logged)
                .containsExactly(
                        "(f) registry = alice:****@registry.internal:5000",
                        "(s) registryMirrors = docker.io=bob:****@nexus:8443/x,ghcr.io=https://c:****@n/y",
                        "(f) parallelism = 3",
                        "(f) overrides = [[a=token=****");
    }
}
