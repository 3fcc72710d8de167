package io.falcooffline.maven;

import io.falcooffline.core.RegistryConnection;
import io.falcooffline.core.RegistryCredentials;
import java.io.File;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * The parameters of goals that talk to registries: which speak plain HTTP, which CA to trust, and where the
 * credentials are. Credentials come from {@code settings.xml}: a {@code <server>} whose id is the registry host
 * ({@code 192.168.5.96:30003}, {@code ghcr.io}), or the one named by {@code serverId} for the internal registry;
 * registries without one use the Docker config ({@code ~/.docker/config.json}) or go anonymous. Every connection
 * goes through the active {@code <proxies>} of {@code settings.xml} (without any: the JVM's proxy properties, else
 * {@code HTTPS_PROXY} / {@code NO_PROXY}), and under {@code mvn -o} none is made.
 */
public abstract class AbstractRegistryMojo extends AbstractMojo {

    @Parameter(defaultValue = "${settings}", readonly = true)
    private Settings settings;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    private MavenSession session;

    @Component
    private SettingsDecrypter settingsDecrypter;

    /**
     * Registries spoken to over plain HTTP instead of HTTPS, as {@code host[:port]}, comma-separated, e.g.
     * {@code 192.168.5.96:30003}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.INSECURE_REGISTRIES)
    private String insecureRegistries;

    /**
     * A PEM file of CA certificates trusted for HTTPS registries in addition to the system's, e.g. the CA of a
     * Harbor with a self-signed certificate.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.CA_FILE)
    private File caFile;

    /**
     * The id of the {@code <server>} in {@code settings.xml} holding the internal registry's user name and password,
     * when it is not the registry host itself.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.SERVER_ID)
    private String serverId;

    /**
     * Send credentials to registries spoken to over plain HTTP, where anyone on the network path can read them. Off
     * by default: such registries are then used anonymously.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.ALLOW_CREDENTIALS_OVER_HTTP, defaultValue = "false")
    private boolean allowCredentialsOverHttp;

    /**
     * The most blob transfers (whole blobs or ranges of large ones) at once; the mirror adapts how many run, from 2
     * up to this, to the rate the link gives.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PARALLELISM, defaultValue = "16")
    private int parallelism;

    /** The Maven session the goal runs in. */
    protected MavenSession session() {
        return session;
    }

    /**
     * How often, in seconds, a line reports the bytes moved, the rate and the time left while blobs transfer (and
     * at 25, 50 and 75 %); a transfer shorter than that prints none. {@code 0} turns the lines off.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PROGRESS_INTERVAL, defaultValue = "10")
    private int progressInterval;

    /**
     * On a Harbor target, create a project the copy writes into when it is missing, as a private project
     * ({@code POST /api/v2.0/projects}; takes a Harbor administrator or a system-level robot account). Off by default:
     * a missing project then fails the goal before anything is copied, naming it.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.CREATE_HARBOR_PROJECT, defaultValue = "false")
    private boolean createHarborProject;

    /**
     * Sets how to reach registries from these parameters: plain-HTTP hosts, the CA, credentials from
     * {@code settings.xml} by host, whether they may go over plain HTTP, parallel transfers, the proxies of
     * {@code settings.xml} and {@code mvn -o}.
     */
    protected <B extends RegistryConnection.Builder<B>> B withConnection(B builder) {
        SettingsProxies.of(settings, settingsDecrypter).ifPresent(proxies -> {
            getLog().debug("Connections go through the proxies of settings.xml: " + proxies);
            builder.proxy(proxies);
        });
        return builder.offline(session != null && session.isOffline())
                .insecureRegistries(ParameterText.commaSeparated(insecureRegistries))
                .caFile(caFile == null ? null : caFile.toPath())
                .credentials(credentialsByHost())
                .allowCredentialsOverHttp(allowCredentialsOverHttp)
                .parallelism(parallelism)
                .progressInterval(Duration.ofSeconds(progressInterval))
                .createHarborProject(createHarborProject);
    }

    /** Credentials of every {@code <server>} whose id is a registry host, by host. */
    private Map<String, RegistryCredentials> credentialsByHost() {
        return new SettingsCredentials(settings, settingsDecrypter).byRegistryHost(getLog());
    }

    /**
     * The credentials {@code serverId} names, for the internal registry.
     *
     * @throws io.falcooffline.core.InvalidRequestException when that server is missing or unusable
     */
    protected Optional<RegistryCredentials> serverIdCredentials() {
        if (serverId == null || serverId.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new SettingsCredentials(settings, settingsDecrypter).forServerId(serverId.strip()));
    }
}
