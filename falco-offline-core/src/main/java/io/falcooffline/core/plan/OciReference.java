package io.falcooffline.core.plan;

import io.falcooffline.core.InvalidReferenceException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A fully qualified image or artifact reference, {@code registry/repository[:tag][@digest]}, normalised the way
 * container runtimes read it: no registry means Docker Hub, and a one-segment Docker Hub name lives under
 * {@code library/}.
 *
 * @param registry {@code host[:port]}, never empty; Docker Hub is always {@code docker.io}
 * @param repository the path inside the registry, e.g. {@code falcosecurity/falco}
 * @param tag the tag, or null when none was given
 * @param digest {@code algorithm:hex}, or null when none was given
 */
public record OciReference(String registry, String repository, String tag, String digest) {

    /** The registry assumed when a reference names none. */
    public static final String DOCKER_HUB = "docker.io";

    private static final Pattern REPOSITORY_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    /** The OCI distribution spec's limit on a tag. */
    static final int MAX_TAG_LENGTH = 128;

    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(?::[0-9]+)?|\\[[0-9A-Fa-f:]+\\](?::[0-9]+)?");

    public OciReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
    }

    /**
     * Parses a reference as a container runtime does.
     *
     * @throws InvalidReferenceException when the text is not a valid reference
     */
    public static OciReference parse(String text) {
        String reference = text == null ? "" : text.strip();
        if (reference.isEmpty()
                || reference.contains("://")
                || reference.chars().anyMatch(Character::isWhitespace)) {
            throw invalid(text, "it must look like [registry/]repository[:tag][@digest]");
        }
        String digest = null;
        int at = reference.indexOf('@');
        if (at >= 0) {
            digest = reference.substring(at + 1);
            reference = reference.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw invalid(text, "the digest '" + digest + "' is not algorithm:hex");
            }
        }
        String tag = null;
        int lastSlash = reference.lastIndexOf('/');
        int colon = reference.lastIndexOf(':');
        if (colon > lastSlash) {
            tag = reference.substring(colon + 1);
            reference = reference.substring(0, colon);
            if (tag.length() > MAX_TAG_LENGTH) {
                throw invalid(
                        text,
                        "the tag is " + tag.length() + " characters long, more than the " + MAX_TAG_LENGTH
                                + " a tag may have");
            }
            if (!TAG.matcher(tag).matches()) {
                throw invalid(text, "the tag '" + tag + "' has characters a tag cannot have");
            }
        }
        String registry = DOCKER_HUB;
        String repository = reference;
        int firstSlash = reference.indexOf('/');
        if (firstSlash > 0 && looksLikeHost(reference.substring(0, firstSlash))) {
            registry = reference.substring(0, firstSlash);
            repository = reference.substring(firstSlash + 1);
            if (!HOST.matcher(registry).matches()) {
                throw invalid(text, "the registry '" + registry + "' is not host[:port]");
            }
        }
        registry = canonicalRegistry(registry);
        repository = normalizeRepository(registry, repository);
        for (String component : repository.split("/", -1)) {
            if (!REPOSITORY_COMPONENT.matcher(component).matches()) {
                throw invalid(
                        text,
                        "the repository '" + repository
                                + "' must be lower-case path components of letters, digits and . _ - separators");
            }
        }
        return new OciReference(registry, repository, tag, digest);
    }

    /** Whether the text parses as a reference. */
    public static boolean isValid(String text) {
        try {
            parse(text);
            return true;
        } catch (InvalidReferenceException e) {
            return false;
        }
    }

    /**
     * The canonical spelling of a registry host: Docker Hub's aliases become {@code docker.io}, host names are
     * lower-cased.
     */
    public static String canonicalRegistry(String registry) {
        String host = registry.toLowerCase(Locale.ROOT);
        return isDockerHub(host) ? DOCKER_HUB : host;
    }

    /** Whether a registry host is Docker Hub under any of the names clients use for it. */
    public static boolean isDockerHub(String registry) {
        return switch (registry.toLowerCase(Locale.ROOT)) {
            case DOCKER_HUB, "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> true;
            default -> false;
        };
    }

    /** Docker Hub's official images live under {@code library/}: {@code falco} there is {@code library/falco}. */
    public static String normalizeRepository(String registry, String repository) {
        return isDockerHub(registry) && repository.indexOf('/') < 0 ? "library/" + repository : repository;
    }

    /** {@code registry/repository}, without tag or digest. */
    public String name() {
        return registry + "/" + repository;
    }

    /** The tag, or {@code latest} when neither a tag nor a digest was given, as pulls do. */
    public Optional<String> effectiveTag() {
        if (tag != null) {
            return Optional.of(tag);
        }
        return digest == null ? Optional.of("latest") : Optional.empty();
    }

    /** This reference as a pull reads it: tagged {@code latest} when it has neither a tag nor a digest. */
    public OciReference withDefaultTag() {
        return tag == null && digest == null ? withTag("latest") : this;
    }

    /** The same tag and digest on another registry and repository. */
    public OciReference withName(String newRegistry, String newRepository) {
        return new OciReference(newRegistry, newRepository, tag, digest);
    }

    /** The same reference with another tag. */
    public OciReference withTag(String newTag) {
        return new OciReference(registry, repository, newTag, digest);
    }

    /** This registry and repository with the tag and digest of another reference. */
    public OciReference withTagAndDigestOf(OciReference other) {
        return new OciReference(registry, repository, other.tag(), other.digest());
    }

    /** The last segment of the repository path: {@code falco} for {@code falcosecurity/falco}. */
    public String lastSegment() {
        return repository.substring(repository.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(name());
        if (tag != null) {
            text.append(':').append(tag);
        }
        if (digest != null) {
            text.append('@').append(digest);
        }
        return text.toString();
    }

    private static boolean looksLikeHost(String segment) {
        return segment.contains(".") || segment.contains(":") || segment.equals("localhost") || segment.startsWith("[");
    }

    private static InvalidReferenceException invalid(String text, String why) {
        return InvalidReferenceException.unparsable(text, why);
    }
}
