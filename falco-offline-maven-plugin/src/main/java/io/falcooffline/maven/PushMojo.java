package io.falcooffline.maven;

import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.PushRequest;
import java.io.File;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Inside the air gap: loads an offline bundle written by {@code falco-offline:package} into the internal registry
 * recorded in it, after checking that the registry speaks what the chart tells falcoctl (plain HTTP or HTTPS with
 * the chart's CA) and, on a Harbor, that its projects exist; then checks that every reference of the chart resolves there with the digest
 * recorded in the bundle. Runs without a project:
 * {@code mvn io.falcooffline:falco-offline-maven-plugin:push -Dfalco-offline.bundle=bundle.tar}.
 *
 * @since 0.1.0
 */
@Mojo(
        name = "push",
        defaultPhase = LifecyclePhase.DEPLOY,
        requiresProject = false,
        threadSafe = true,
        configurator = MaskingConfigurator.HINT)
public class PushMojo extends AbstractRegistryMojo {

    /**
     * The bundle to push: the directory or the {@code .tar} written by {@code falco-offline:package}. Required.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.BUNDLE)
    private File bundle;

    /**
     * The registry expected, {@code host[:port]}: it must be the one recorded in the bundle, which the bundle's chart
     * pulls from; another one fails before anything is copied (package again for that registry instead).
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.REGISTRY)
    private String registry;

    /**
     * Skip the goal.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.SKIP, defaultValue = "false")
    private boolean skip;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping falco-offline:push (skip=true).");
            return;
        }
        try {
            PushRequest.Builder request = withConnection(PushRequest.builder())
                    .bundle(bundle == null ? null : bundle.toPath())
                    .registry(registry);
            serverIdCredentials().ifPresent(request::targetCredentials);
            FalcoOffline.push(request.build(), new MavenLogListener(getLog()));
        } catch (InvalidRequestException e) {
            throw MojoErrors.invalidParameter(e);
        } catch (FalcoOfflineException e) {
            throw MojoErrors.failure(e);
        }
    }
}
