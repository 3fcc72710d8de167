package io.falcooffline.core.mirror;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.io.Json;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.oci.registry.UpstreamSources;
import io.falcooffline.core.plan.OciReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The internal registry as a package run told the chart to reach it: its host, whether falcoctl and the nodes speak
 * plain HTTP to it ({@code insecureRegistries}), and the CA certificates the chart trusts for it ({@code caFile}). A
 * bundle keeps it in {@value #FILE_NAME}, so that {@code push} can check the registry it loads the bundle into
 * speaks what the chart will tell the cluster.
 *
 * @param registry canonical {@code host[:port]}
 * @param plainHttp whether the chart speaks plain HTTP to it
 * @param caPem the PEM certificates of {@code caFile}, for an HTTPS registry with a private CA
 */
public record ChartRegistry(String registry, boolean plainHttp, Optional<String> caPem) {

    /** The file's name inside a bundle. */
    public static final String FILE_NAME = "falco-offline.registry.json";

    /** Certificates of a CA file are small; anything larger is not one. */
    static final int MAX_BYTES = 1024 * 1024;

    /** The registry as a run with these connection settings tells the chart to reach it. */
    public static ChartRegistry of(String registry, RegistryAccess access) {
        boolean plainHttp = UpstreamSources.plainHttp(access.insecureRegistries(), registry);
        Optional<String> ca = Optional.empty();
        if (!plainHttp && access.caFile().isPresent()) {
            try {
                ca = Optional.of(Files.readString(access.caFile().get(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new ChartRegistry(OciReference.canonicalRegistry(registry), plainHttp, ca);
    }

    /** How the chart speaks to the registry, for messages. */
    public String describe() {
        if (plainHttp) {
            return "plain HTTP (`insecureRegistries` named " + registry + ")";
        }
        return caPem.isPresent()
                ? "HTTPS, trusting the `caFile` CA"
                : "HTTPS, trusting the system's CAs only (no `caFile`)";
    }

    byte[] toJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("registry", registry);
        root.put("scheme", plainHttp ? "http" : "https");
        caPem.ifPresent(pem -> root.put("caCertificates", pem));
        return (Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads the file written by {@link #toJson()}.
     *
     * @param sourceName what the bytes are, for messages
     * @throws FalcoOfflineException when they are not such a file
     */
    static ChartRegistry parse(byte[] bytes, String sourceName) {
        try {
            JsonNode root = Json.MAPPER.readTree(bytes);
            String registry = root.path("registry").asString("");
            String scheme = root.path("scheme").asString("");
            if (registry.isEmpty() || !(scheme.equals("http") || scheme.equals("https"))) {
                throw new FalcoOfflineException(sourceName + " lacks `registry` or has a `scheme` other than http"
                        + " or https; the bundle is damaged. Write it again with falco-offline:package.");
            }
            JsonNode ca = root.path("caCertificates");
            return new ChartRegistry(
                    OciReference.canonicalRegistry(registry),
                    scheme.equals("http"),
                    ca.isString() ? Optional.of(ca.asString()) : Optional.empty());
        } catch (JacksonException e) {
            throw new FalcoOfflineException(
                    sourceName
                            + " is not valid JSON; the bundle is damaged. Write it again with falco-offline:package.",
                    e);
        }
    }
}
