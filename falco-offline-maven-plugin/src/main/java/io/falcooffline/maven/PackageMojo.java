package io.falcooffline.maven;

import io.falcooffline.core.FalcoOffline;
import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.PackageResult;
import java.nio.file.Path;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.project.MavenProjectHelper;

/**
 * Rewrites a Helm chart for an air-gapped cluster: every image and OCI reference is pointed at the internal
 * registry, the given values files are baked in, and the chart ({@code <name>-<version>.tgz}) and the plan
 * ({@code falco-offline.plan.json}) are written to {@code outputDirectory}, and every artifact the chart pulls is
 * copied into an offline bundle (or, with {@code push}, to the registry). In a project the chart is attached as an
 * artifact of type {@code tgz} with the chart's name as classifier.
 *
 * @since 0.1.0
 */
@Mojo(
        name = "package",
        defaultPhase = LifecyclePhase.PACKAGE,
        requiresProject = false,
        threadSafe = true,
        configurator = MaskingConfigurator.HINT)
public class PackageMojo extends AbstractFalcoOfflineMojo {

    static final String ARTIFACT_TYPE = "tgz";

    @Component
    private MavenProjectHelper projectHelper;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (isSkip()) {
            getLog().info("Skipping falco-offline:package (skip=true).");
            return;
        }
        MavenLogListener listener = new MavenLogListener(getLog());
        PackageResult result;
        try {
            result = FalcoOffline.packageChart(packageRequest(), listener);
        } catch (InvalidRequestException e) {
            throw MojoErrors.invalidParameter(e);
        } catch (FalcoOfflineException e) {
            throw MojoErrors.failure(e);
        }
        if (!isStandalone()) {
            result.chartFile().ifPresent(chart -> attach(chart, result.plan().chartName()));
        }
    }

    private void attach(Path chart, String chartName) {
        projectHelper.attachArtifact(project, ARTIFACT_TYPE, chartName, chart.toFile());
    }
}
