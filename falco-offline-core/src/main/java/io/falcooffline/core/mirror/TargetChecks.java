package io.falcooffline.core.mirror;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.registry.HarborApi;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.oci.registry.RegistryClientOptions;
import io.falcooffline.core.oci.registry.RegistryProbe;
import io.falcooffline.core.oci.registry.TlsTrust;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The checks a run makes on the internal registry before copying anything to it: that it speaks what the chart will
 * tell falcoctl and the nodes (plain HTTP or HTTPS, and a certificate the chart's CA accepts), and, on a Harbor,
 * that every project the copy writes into exists (or is created, with {@code createHarborProject}).
 */
final class TargetChecks {

    /** Who made the chart's settings: this run, or the package run that wrote a bundle. */
    enum Run {
        PACKAGE,
        PUSH
    }

    private TargetChecks() {}

    /** The probe of a package run that pushes to {@code registry}, as {@link #requireSpeaksAsChartSays} makes it. */
    static Runnable probe(String registry, RegistryAccess access, ProgressListener log) {
        return () -> requireSpeaksAsChartSays(ChartRegistry.of(registry, access), access, Run.PACKAGE, log);
    }

    /**
     * Probes {@code GET /v2/} of the registry as the chart speaks to it.
     *
     * @param chart the registry as the chart reaches it
     * @param access this run's connection settings (time-outs)
     * @throws InvalidRequestException (package run) or {@link FalcoOfflineException} (push) naming the parameter to
     *     change when the registry speaks otherwise
     */
    static void requireSpeaksAsChartSays(ChartRegistry chart, RegistryAccess access, Run run, ProgressListener log) {
        String host = chart.registry();
        // Built only to probe HTTPS: loading the JDK's trust store the first time takes 0.15 s or more.
        Supplier<SSLContext> trust = () -> chart.caPem()
                .map(pem -> TlsTrust.systemPlus(pem.getBytes(StandardCharsets.UTF_8), "the CA of `caFile`"))
                .orElseGet(() ->
                        TlsTrust.sslContext(RegistryClientOptions.builder(host).build()));
        RegistryProbe.Result probe = RegistryProbe.probe(host, chart.plainHttp(), trust, access.connectTimeout());
        String again = run == Run.PUSH ? "package the bundle again with " : "";
        String made = run == Run.PUSH ? "the bundle's chart speaks " : "the chart would speak ";
        String nothing = " Nothing was copied.";
        switch (probe.outcome()) {
            case ANSWERS -> {
                log.info(host + " answers over " + (chart.plainHttp() ? "plain HTTP" : "HTTPS") + " as the chart"
                        + " tells falcoctl and the nodes.");
                return;
            }
            case SPEAKS_HTTPS ->
                throw mismatch(
                        run,
                        "insecureRegistries",
                        host + " speaks HTTPS, but " + made + chart.describe() + ": falcoctl, told --plain-http,"
                                + " would get HTTP 400 and install nothing. Fix: " + again + host
                                + " left out of `insecureRegistries`, and `caFile` set to the CA that signed its"
                                + " certificate." + nothing);
            case SPEAKS_PLAIN_HTTP ->
                throw mismatch(
                        run,
                        "insecureRegistries",
                        host + " answers plain HTTP, but " + made + chart.describe() + ": falcoctl and the nodes"
                                + " would fail the TLS handshake. Fix: " + again + host + " added to"
                                + " `insecureRegistries` (or serve the registry over HTTPS)." + nothing);
            case UNTRUSTED_CERTIFICATE ->
                throw mismatch(
                        run,
                        "caFile",
                        "The TLS handshake with " + host + " fails with the trust "
                                + (run == Run.PUSH ? "the bundle's chart carries" : "the chart would carry")
                                + " (" + chart.describe() + "): " + probe.detail() + ". Fix: " + again
                                + "`caFile` set to the PEM file of the CA that signed " + host + "'s certificate (a"
                                + " certificate for an IP address needs that IP in its subjectAltName)." + nothing);
            case UNREACHABLE ->
                throw mismatch(
                        run,
                        "registry",
                        "Cannot reach the registry " + host + " to check it before copying: " + probe.detail()
                                + ". Check the host and port of `registry` and the network path." + nothing);
            case NOT_A_REGISTRY ->
                throw mismatch(
                        run,
                        "registry",
                        host + " does not answer GET /v2/ as a registry over "
                                + (chart.plainHttp() ? "plain HTTP" : "HTTPS") + " (" + probe.detail() + "). Check"
                                + " the host and port of `registry`, and `insecureRegistries`." + nothing);
        }
    }

    private static FalcoOfflineException mismatch(Run run, String parameter, String message) {
        return run == Run.PACKAGE
                ? new InvalidRequestException(parameter, message)
                : new FalcoOfflineException(message + " (The parameter to change: `" + parameter + "`.)");
    }

    /**
     * On a Harbor, makes sure the project of every repository the copy writes exists: creates the missing ones when
     * {@code createHarborProject} is on, otherwise fails naming them. Nothing happens on other registries, or when
     * no credentials are configured for the Harbor (its project API needs a login, and the copy would fail anyway).
     *
     * @param registry the host the copy writes to
     * @param repositories the repositories written there
     * @throws FalcoOfflineException naming the missing projects and how to create them
     */
    static void requireHarborProjects(
            String registry, RegistryAccess access, Collection<String> repositories, ProgressListener log) {
        RegistryClientOptions options = access.clientOptions(registry);
        try (HarborApi harbor = HarborApi.detect(options, log).orElse(null)) {
            if (harbor == null) {
                return;
            }
            if (!harbor.canAuthenticate()) {
                log.info(registry + " is a Harbor; without credentials for it, its projects are not checked.");
                return;
            }
            TreeSet<String> projects = new TreeSet<>();
            repositories.forEach(repository -> projects.add(repository.split("/", 2)[0]));
            List<String> missing = new ArrayList<>();
            for (String project : projects) {
                if (!harbor.projectExists(project)) {
                    missing.add(project);
                }
            }
            if (missing.isEmpty()) {
                log.info(
                        registry + " is a Harbor; the projects written to exist: " + String.join(", ", projects) + ".");
                return;
            }
            if (!access.createHarborProject()) {
                throw new InvalidRequestException(
                        "createHarborProject",
                        "The Harbor at " + registry + " has no project " + String.join(", ", missing)
                                + ", which the copy writes into, so it would fail part-way. Create "
                                + (missing.size() == 1 ? "it" : "them") + " in Harbor (Projects > New Project,"
                                + " or POST /api/v2.0/projects), or set `createHarborProject` to true to have"
                                + " it created as a private project. Nothing was copied.");
            }
            for (String project : missing) {
                harbor.createPrivateProject(project);
                log.info("Created the private Harbor project " + project + " on " + registry + ".");
            }
        }
    }
}
