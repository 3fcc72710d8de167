package io.falcooffline.maven;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CredentialMaskTest {

    @Test
    void shouldMaskThePasswordWhenAUrlCarriesUserInfo() {
        assertThat(CredentialMask.mask("pull from https://robot$falco:Xy9!secret@192.168.5.96:30003/v2/"))
                .isEqualTo("pull from https://robot$falco:****@192.168.5.96:30003/v2/");
        assertThat(CredentialMask.mask("oci://admin:Harbor12345@harbor.local/falco"))
                .isEqualTo("oci://admin:****@harbor.local/falco");
    }

    @Test
    void shouldMaskTheWholeHeaderValueWhenAuthorizationIsLogged() {
        assertThat(CredentialMask.mask("> Authorization: Basic cm9ib3Q6c2VjcmV0"))
                .isEqualTo("> Authorization: ****");
        assertThat(CredentialMask.mask("Proxy-Authorization: Bearer eyJhbGciOi.abc"))
                .isEqualTo("Proxy-Authorization: ****");
        assertThat(CredentialMask.mask("{\"Authorization\":\"Bearer abc\"}")).isEqualTo("{\"Authorization\":\"****\"}");
    }

    @Test
    void shouldMaskTheValueWhenAKeyNamesASecret() {
        assertThat(CredentialMask.mask("login user=robot password=hunter2 registry=r:1"))
                .isEqualTo("login user=robot password=**** registry=r:1");
        assertThat(CredentialMask.mask("{\"username\":\"robot\",\"password\":\"hunter2\"}"))
                .isEqualTo("{\"username\":\"robot\",\"password\":\"****\"}");
        assertThat(CredentialMask.mask("registry.auth.basic[0].password: hunter2"))
                .isEqualTo("registry.auth.basic[0].password: ****");
        assertThat(CredentialMask.mask("clientSecret=abc token: t0k3n api_key=k3y"))
                .isEqualTo("clientSecret=**** token: **** api_key=****");
        assertThat(CredentialMask.mask("\"auth\": \"cm9ib3Q6aHVudGVyMg==\"")).isEqualTo("\"auth\": \"****\"");
    }

    @Test
    void shouldMaskTheFlagValueWhenACommandLineIsLogged() {
        assertThat(CredentialMask.mask("skopeo copy --dest-creds x --password hunter2 --tls-verify=false"))
                .isEqualTo("skopeo copy --dest-creds x --password **** --tls-verify=false");
        assertThat(CredentialMask.mask("helm registry login --password=hunter2 r:1"))
                .isEqualTo("helm registry login --password=**** r:1");
    }

    @Test
    void shouldMaskEveryTripletWhenFalcoctlBasicAuthIsLogged() {
        assertThat(CredentialMask.mask("env FALCOCTL_REGISTRY_AUTH_BASIC=\"r:1,robot,hunter2;r:2,u,p\" set"))
                .isEqualTo("env FALCOCTL_REGISTRY_AUTH_BASIC=\"****\" set")
                .doesNotContain("hunter2");
    }

    @Test
    void shouldMaskTheQueryAndATokenUserWhenAUrlCarriesThem() {
        assertThat(CredentialMask.mask("chart https://s3.corp/falco.tgz?X-Amz-Signature=abc123&X-Amz-Credential=k/1 x"))
                .isEqualTo("chart https://s3.corp/falco.tgz?**** x");
        assertThat(CredentialMask.mask("git https://glpat-abc123@git.corp/charts.git failed"))
                .isEqualTo("git https://****@git.corp/charts.git failed");
    }

    @Test
    void shouldLeaveOrdinaryMessagesAloneWhenNothingLooksSecret() {
        String[] ordinary = {
            "docker.io/falcosecurity/falco:0.44.0 -> 192.168.5.96:30003/falco/falco:0.44.0",
            "No password given for registry 192.168.5.96:30003; set it in settings.xml <server>.",
            "imagePullSecrets: [harbor-pull]",
            "falcoctl.config.registry.auth is not set",
            "Authorization failed for 192.168.5.96:30003",
            "https://falcosecurity.github.io/falcoctl/index.yaml"
        };
        for (String message : ordinary) {
            assertThat(CredentialMask.mask(message)).isEqualTo(message);
        }
        assertThat(CredentialMask.mask(null)).isNull();
    }
}
