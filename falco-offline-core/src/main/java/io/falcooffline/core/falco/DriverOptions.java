package io.falcooffline.core.falco;

import io.falcooffline.core.InvalidRequestException;
import io.falcooffline.core.io.SafeText;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Objects;

/**
 * What the syscall driver step is told: the kernels of the nodes, and where prebuilt drivers are read at build time.
 *
 * @param kernels the {@code driverKernels} parameter; empty when none are listed
 * @param repository the {@code driverRepository} parameter, without a trailing slash; falcoctl's default
 *     {@value #DEFAULT_REPOSITORY} unless given
 */
public record DriverOptions(List<DriverKernel> kernels, URI repository) {

    /** falcoctl 0.13.0's default driver repository ({@code internal/config/config.go} DefaultDriver). */
    public static final String DEFAULT_REPOSITORY = "https://download.falco.org/driver";

    public DriverOptions {
        kernels = List.copyOf(kernels);
        Objects.requireNonNull(repository, "repository");
    }

    /** No kernels, the default repository. */
    public static DriverOptions defaults() {
        return new DriverOptions(List.of(), URI.create(DEFAULT_REPOSITORY));
    }

    /**
     * The parameters as text.
     *
     * @param kernels {@code target:release:version[:arch]} entries, or blank
     * @param repository an {@code http(s)} URL without query or credentials, or blank for the default
     * @throws InvalidRequestException naming the parameter at fault
     */
    public static DriverOptions parse(String kernels, String repository) {
        return new DriverOptions(DriverKernel.parseList(kernels), repository(repository));
    }

    private static URI repository(String text) {
        if (text == null || text.isBlank()) {
            return URI.create(DEFAULT_REPOSITORY);
        }
        String trimmed = text.strip();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            throw invalid(text, "it is not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw invalid(text, "falco-offline reads drivers over http or https only");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw invalid(text, "it has no host, or has credentials in it");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid(
                    text, "it has a query or fragment; drivers are read from <repository>/<driver version>/<arch>/");
        }
        return uri;
    }

    private static InvalidRequestException invalid(String text, String why) {
        return new InvalidRequestException(
                "driverRepository",
                "`driverRepository` " + SafeText.quote(text) + " is not usable: " + why + ". Give the base URL of a"
                        + " driver repository in falcoctl's layout, e.g. " + DEFAULT_REPOSITORY + ".");
    }
}
