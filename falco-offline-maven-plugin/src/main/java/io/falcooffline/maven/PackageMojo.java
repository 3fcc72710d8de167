package io.falcooffline.maven;

import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.PackageRequest;
import io.falcooffline.core.PackageResult;
import io.falcooffline.core.mirror.MirrorMode;
import io.falcooffline.core.mirror.MirrorOptions;
import java.io.File;
import java.nio.file.Path;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProjectHelper;

/**
 * Rewrites a Helm chart for an air-gapped cluster: every image and OCI reference is pointed at the internal
 * registry, the given values files are baked in, and the chart ({@code <name>-<version>.tgz}) and the plan
 * ({@code falco-offline.plan.json}) are written to {@code outputDirectory}. In a project the chart is attached as an
 * artifact of type {@code tgz} with the chart's name as classifier.
 *
 * @since 0.1.0
 */
@Mojo(name = "package", defaultPhase = LifecyclePhase.PACKAGE, requiresProject = false, threadSafe = true)
public class PackageMojo extends AbstractFalcoOfflineMojo {

    static final String ARTIFACT_TYPE = "tgz";

    @Component
    private MavenProjectHelper projectHelper;

    /**
     * Copy every artifact the rewritten chart pulls: into the offline bundle, or with {@code push} straight to
     * {@code registry}. With {@code false} only the chart and the plan are written.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.MIRROR, defaultValue = "true")
    private boolean mirror;

    /**
     * Copy every artifact the rewritten chart points at straight to {@code registry}. Use it when this machine
     * reaches both the upstream registries and the internal one; otherwise write a {@code bundle}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PUSH, defaultValue = "false")
    private boolean push;

    /**
     * The offline bundle directory (an OCI image layout) that receives every artifact the rewritten chart points at,
     * with the chart and the plan, for {@code falco-offline:push} inside the air gap. Default:
     * {@code <outputDirectory>/bundle}. Ignored with {@code push}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.BUNDLE)
    private File bundle;

    /**
     * Also pack the bundle into one {@code <bundle>.tar} beside it, to carry across the air gap as one file.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.BUNDLE_AS_TAR, defaultValue = "false")
    private boolean bundleAsTar;

    /**
     * The platforms to keep of multi-platform images and plugin indexes, comma-separated
     * {@code os/architecture[/variant]}, e.g. {@code linux/arm64}; empty copies all platforms byte for byte.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.PLATFORMS)
    private String platforms;

    /**
     * Where to fetch from instead of the upstream registries, comma-separated {@code registry=mirror} pairs, e.g.
     * {@code docker.io=nexus.corp:8443/dockerhub,ghcr.io=nexus.corp:8443/ghcr}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.REGISTRY_MIRRORS)
    private String registryMirrors;

    /**
     * Copy cosign signatures ({@code sha256-<digest>.sig} and attestation tags) along with the artifacts they sign.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.COPY_SIGNATURES, defaultValue = "true")
    private boolean copySignatures;

    /**
     * The lock file recording the digest of every mirrored artifact. When it exists, sources are fetched at their
     * locked digests, so moved upstream tags do not change what is mirrored; commit it to pin a release.
     * Default: {@code <outputDirectory>/falco-offline.lock.json}.
     *
     * @since 0.1.0
     */
    @Parameter(property = PropertyNames.LOCK_FILE)
    private File lockFile;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (isSkip()) {
            getLog().info("Skipping falco-offline:package (skip=true).");
            return;
        }
        MavenLogListener listener = new MavenLogListener(getLog());
        PackageResult result;
        try {
            PackageRequest request = packageRequest();
            result = FalcoOffline.packageChart(
                    request.toBuilder().mirror(mirrorOptions(request)).build(), listener);
        } catch (InvalidRequestException e) {
            throw MojoErrors.invalidParameter(e);
        } catch (FalcoOfflineException e) {
            throw MojoErrors.failure(e);
        }
        if (!isStandalone()) {
            result.chartFile().ifPresent(chart -> attach(chart, result.plan().chartName()));
        }
    }

    private MirrorOptions mirrorOptions(PackageRequest request) {
        MirrorMode mode = !mirror ? MirrorMode.NONE : push ? MirrorMode.PUSH : MirrorMode.BUNDLE;
        MirrorOptions.Builder options = MirrorOptions.builder()
                .mode(mode)
                .bundleAsTar(bundleAsTar)
                .platforms(platforms)
                .registryMirrors(registryMirrors)
                .insecureRegistries(insecureRegistries())
                .caFile(caFile())
                .credentials(credentialsByHost())
                .allowCredentialsOverHttp(allowCredentialsOverHttp())
                .copySignatures(copySignatures)
                .parallelism(parallelism());
        serverIdCredentials().ifPresent(credentials -> options.credentials(request.registry(), credentials));
        if (bundle != null) {
            options.bundle(bundle.toPath());
        }
        if (lockFile != null) {
            options.lockFile(lockFile.toPath());
        }
        return options.build().withDefaults(request.outputDirectory());
    }

    private void attach(Path chart, String chartName) {
        projectHelper.attachArtifact(project, ARTIFACT_TYPE, chartName, chart.toFile());
    }
}
