package io.falcooffline.core.falco;

import io.falcooffline.core.FalcoOfflineException;
import io.falcooffline.core.ProgressListener;
import io.falcooffline.core.oci.Digests;
import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.oci.registry.RegistryClientOptions;
import io.falcooffline.core.oci.registry.TlsTrust;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads prebuilt drivers from a driver repository in falcoctl's layout,
 * {@code <repository>/<driver version, query-escaped>/<arch>/falco_<target>_<release>_<version>.ko}
 * ({@code pkg/driver/distro/distro.go} toURL in falcoctl 0.13.0), and checks each one is a kernel module for the
 * architecture: an ELF64 little-endian relocatable object ({@code ET_REL}) whose machine is x86-64 (62) or AArch64
 * (183), at most {@value #MAX_DRIVER_BYTES} bytes. A redirect stays on the repository's host; another host is refused.
 */
final class DriverRepository {

    /** The largest driver read: Falco's kernel modules are a few MiB. */
    static final long MAX_DRIVER_BYTES = 64L * 1024 * 1024;

    private static final long MAX_LISTING_BYTES = 8L * 1024 * 1024;
    private static final int MAX_REDIRECTS = 5;
    private static final int NEAREST_SHOWN = 5;
    private static final int ET_REL = 1;
    private static final Pattern DRIVER_FILE = Pattern.compile("falco_([A-Za-z0-9._+~-]{5,400}?)\\.ko");

    /**
     * A driver read and checked.
     *
     * @param kernel the kernel it is for
     * @param architecture {@code x86_64} or {@code aarch64}
     * @param url where it was read
     * @param content its bytes
     * @param digest their sha256
     */
    record Fetched(DriverKernel kernel, String architecture, URI url, byte[] content, String digest) {}

    private final URI repository;
    private final RegistryClientOptions hostOptions;
    private final HttpClient client;
    private final ProgressListener listener;
    private final long maxDriverBytes;

    DriverRepository(URI repository, RegistryAccess access, ProgressListener listener) {
        this(repository, access, listener, MAX_DRIVER_BYTES);
    }

    /** With another size bound, for tests. */
    DriverRepository(URI repository, RegistryAccess access, ProgressListener listener, long maxDriverBytes) {
        this.maxDriverBytes = maxDriverBytes;
        this.repository = repository;
        this.listener = listener;
        this.hostOptions = access.clientOptions(authority(repository));
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(hostOptions.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        if ("https".equalsIgnoreCase(repository.getScheme())) {
            builder.sslContext(TlsTrust.sslContext(hostOptions));
        }
        this.client = builder.build();
    }

    /** The URL of a kernel's driver, as falcoctl asks for it. */
    URI driverUrl(String driverVersion, String architecture, DriverKernel kernel) {
        return directory(driverVersion, architecture).resolve(kernel.fileName());
    }

    /**
     * Reads and checks one driver.
     *
     * @throws FalcoArtifactException when the repository has no such driver (naming the nearest it lists), or what
     *     it sends is not a kernel module for the architecture
     * @throws FalcoOfflineException when the repository cannot be reached
     */
    Fetched fetch(String driverVersion, String architecture, DriverKernel kernel) {
        URI url = driverUrl(driverVersion, architecture, kernel);
        Optional<byte[]> body = get(url, maxDriverBytes, "the driver for kernel " + kernel);
        if (body.isEmpty()) {
            throw new FalcoArtifactException(
                    kernel.toString(),
                    "The driver repository has no driver " + driverVersion + " for kernel " + kernel + " on "
                            + architecture + ": " + url + " is not there. "
                            + nearest(driverVersion, architecture, kernel)
                            + " Check the kernel with `falcoctl driver printenv` on the node (TARGET_ID,"
                            + " FIXED_KERNEL_RELEASE, FIXED_KERNEL_VERSION); when the repository has no driver for it,"
                            + " build one with driverkit into a repository of your own (`driverRepository`), or use"
                            + " driver.kind=modern_ebpf on kernels 5.8+ with BTF.");
        }
        byte[] content = body.get();
        requireKernelModule(content, architecture, kernel, url);
        listener.info("Read the driver for kernel " + kernel + " on " + architecture + " from " + url + " ("
                + content.length + " bytes).");
        return new Fetched(kernel, architecture, url, content, Digests.sha256(content));
    }

    /** An ELF64 little-endian relocatable object for the architecture's machine. */
    static void requireKernelModule(byte[] content, String architecture, DriverKernel kernel, URI url) {
        int machine = architecture.equals("aarch64") ? 183 : 62;
        String problem = null;
        if (content.length < 64 || content[0] != 0x7f || content[1] != 'E' || content[2] != 'L' || content[3] != 'F') {
            problem = "it is not an ELF file";
        } else if (content[4] != 2 || content[5] != 1) {
            problem = "it is not a 64-bit little-endian ELF object";
        } else if (uint16(content, 16) != ET_REL) {
            problem = "it is an ELF file of type " + uint16(content, 16) + ", not a relocatable object (a kernel"
                    + " module is type 1, ET_REL)";
        } else if (uint16(content, 18) != machine) {
            problem = "it is built for ELF machine " + uint16(content, 18) + ", not " + machine + " (" + architecture
                    + ")";
        }
        if (problem != null) {
            throw new FalcoArtifactException(
                    kernel.toString(),
                    "The driver for kernel " + kernel + " at " + url + " is not a kernel module for " + architecture
                            + ": " + problem + ". Check that `driverRepository` serves falcoctl's layout"
                            + " (<driver version>/<arch>/falco_<target>_<release>_<version>.ko).");
        }
    }

    /** The kernels of the same target the repository lists nearest to the one asked for, or what was tried. */
    private String nearest(String driverVersion, String architecture, DriverKernel kernel) {
        URI listing = directory(driverVersion, architecture);
        Optional<byte[]> body;
        try {
            body = get(listing, MAX_LISTING_BYTES, "the driver listing");
        } catch (RuntimeException e) {
            body = Optional.empty();
        }
        if (body.isEmpty()) {
            return "The repository offers no listing at " + listing + " to suggest others from.";
        }
        String text = new String(body.get(), StandardCharsets.UTF_8);
        // A bounded token, split in Java: no backtracking over a large listing. Targets and versions have no '_'.
        Matcher matcher = DRIVER_FILE.matcher(text);
        Set<String> sameTarget = new LinkedHashSet<>();
        int others = 0;
        while (matcher.find()) {
            String name = matcher.group(1);
            int first = name.indexOf('_');
            int last = name.lastIndexOf('_');
            if (first <= 0 || last <= first + 1 || last == name.length() - 1) {
                continue;
            }
            if (name.substring(0, first).equals(kernel.target())) {
                sameTarget.add(name.substring(0, first) + ":" + name.substring(first + 1, last) + ":"
                        + name.substring(last + 1));
            } else {
                others++;
            }
        }
        if (sameTarget.isEmpty()) {
            return "Its listing at " + listing + " has no driver for target " + kernel.target() + " (" + others
                    + " for other targets).";
        }
        String wanted = kernel.target() + ":" + kernel.release() + ":" + kernel.version();
        List<String> ranked = new ArrayList<>(sameTarget);
        ranked.sort(Comparator.comparingInt((String candidate) -> -commonPrefix(candidate, wanted))
                .thenComparing(Comparator.naturalOrder()));
        return "The nearest kernels it lists for " + kernel.target() + ": "
                + String.join(", ", ranked.subList(0, Math.min(NEAREST_SHOWN, ranked.size()))) + ".";
    }

    private URI directory(String driverVersion, String architecture) {
        return URI.create(
                repository + "/" + URLEncoder.encode(driverVersion, StandardCharsets.UTF_8) + "/" + architecture + "/");
    }

    /** The body of a 200; empty for 404. Redirects are followed on the repository's host only. */
    private Optional<byte[]> get(URI url, long maxBytes, String what) {
        URI current = url;
        try {
            for (int redirects = 0; redirects <= MAX_REDIRECTS; redirects++) {
                listener.debug("GET " + current);
                HttpResponse<InputStream> response = client.send(
                        HttpRequest.newBuilder(current)
                                .timeout(hostOptions.requestTimeout())
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                try (InputStream body = response.body()) {
                    if (status / 100 == 3
                            && response.headers().firstValue("Location").isPresent()) {
                        URI next = current.resolve(
                                response.headers().firstValue("Location").get());
                        if (!authority(next).equalsIgnoreCase(authority(repository))
                                || !next.getScheme().equalsIgnoreCase(repository.getScheme())) {
                            throw new FalcoArtifactException(
                                    url.toString(),
                                    "The driver repository " + repository + " redirects " + what + " at " + current
                                            + " to " + withoutQuery(next) + ", another host or scheme; falco-offline"
                                            + " reads drivers from the repository's own host only. Set"
                                            + " `driverRepository` to where the drivers are.");
                        }
                        current = next;
                        continue;
                    }
                    if (status == 404) {
                        return Optional.empty();
                    }
                    if (status != 200) {
                        throw new FalcoArtifactException(
                                url.toString(),
                                "Reading " + what + " from " + current + " failed: the server answered " + status
                                        + ".");
                    }
                    byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                    if (bytes.length > maxBytes) {
                        throw new FalcoArtifactException(
                                url.toString(),
                                what + " at " + current + " is larger than " + maxBytes + " bytes; that is no Falco"
                                        + " driver. Check `driverRepository`.");
                    }
                    return Optional.of(bytes);
                }
            }
            throw new FalcoArtifactException(
                    url.toString(),
                    "Reading " + what + " from " + url + " failed: more than " + MAX_REDIRECTS + " redirects.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FalcoOfflineException("Interrupted while reading " + what + " from " + url, e);
        } catch (InterruptedIOException e) {
            throw new FalcoOfflineException("Reading " + what + " from " + url + " timed out: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new FalcoOfflineException(
                    "Cannot reach the driver repository at " + current + " for " + what + ": " + e + ". Build where "
                            + repository + " is reachable, or point `driverRepository` at a copy.",
                    e);
        }
    }

    private static int uint16(byte[] bytes, int offset) {
        return (bytes[offset] & 0xff) | (bytes[offset + 1] & 0xff) << 8;
    }

    private static int commonPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    private static String authority(URI uri) {
        return uri.getPort() < 0 ? String.valueOf(uri.getHost()) : uri.getHost() + ":" + uri.getPort();
    }

    private static String withoutQuery(URI uri) {
        String text = uri.toString();
        int query = text.indexOf('?');
        return query < 0 ? text : text.substring(0, query);
    }
}
