package io.falcooffline.core;

import io.falcooffline.core.oci.registry.RegistryAccess;
import io.falcooffline.core.plan.OciReference;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code FalcoOffline.push} needs inside the air gap: the offline bundle, the registry recorded in it (checked
 * when given) and how to reach it. Immutable; build one with {@link #builder()}.
 */
public final class PushRequest extends RegistryConnection {

    private final Path bundle;
    private final String registry;
    private final RegistryCredentials targetCredentials;

    private PushRequest(Builder builder, RegistryAccess access) {
        super(access);
        this.bundle = builder.bundle;
        this.registry = builder.registry;
        this.targetCredentials = builder.targetCredentials;
    }

    /** A builder with nothing set; {@link Builder#build()} needs the bundle. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this request's settings, to derive a changed copy. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.bundle = bundle;
        builder.registry = registry;
        builder.targetCredentials = targetCredentials;
        builder.access = access().toBuilder();
        return builder;
    }

    /** The bundle: the directory or the {@code .tar} written by a bundle run. */
    public Path bundle() {
        return bundle;
    }

    /**
     * The registry ({@code host[:port]}) the caller expects to push to. It must be the one recorded in the bundle,
     * which the bundle's chart pulls from: a push to another registry fails before copying (package again for that
     * registry instead).
     */
    public Optional<String> registry() {
        return Optional.ofNullable(registry);
    }

    /**
     * Credentials for the registry pushed to, whichever it turns out to be (the bundle's or {@link #registry()});
     * they win over {@link #credentials()} for that host.
     */
    public Optional<RegistryCredentials> targetCredentials() {
        return Optional.ofNullable(targetCredentials);
    }

    @Override
    public String toString() {
        return "PushRequest[bundle=" + bundle + ", registry=" + registry + ", insecureRegistries="
                + access().insecureRegistries() + ", credentialHosts="
                + access().credentials().keySet() + "]";
    }

    /** Builds a {@link PushRequest}; {@link #build()} checks it. */
    public static final class Builder extends RegistryConnection.Builder<Builder> {
        private Path bundle;
        private String registry;
        private RegistryCredentials targetCredentials;

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /** Sets {@link PushRequest#bundle()}. */
        public Builder bundle(Path bundle) {
            this.bundle = bundle;
            return this;
        }

        /** Sets {@link PushRequest#registry()}; null or blank to take the one recorded in the bundle. */
        public Builder registry(String registry) {
            this.registry =
                    registry == null || registry.isBlank() ? null : OciReference.canonicalRegistry(registry.strip());
            return this;
        }

        /** Sets {@link PushRequest#targetCredentials()}; null for none. */
        public Builder targetCredentials(RegistryCredentials credentials) {
            this.targetCredentials = credentials;
            return this;
        }

        /**
         * Checks the settings and freezes them.
         *
         * @throws InvalidRequestException naming the first missing or malformed parameter
         */
        public PushRequest build() {
            if (bundle == null) {
                throw new InvalidRequestException(
                        "bundle",
                        "No bundle given: set `bundle` to the bundle directory or .tar written by "
                                + "falco-offline:package with push off, e.g. -Dfalco-offline.bundle=bundle.tar.");
            }
            RegistryParameters.requireNoCredentials("registry", registry);
            if (registry != null) {
                RegistryParameters.requireHostOnly("registry", registry);
                RegistryParameters.requireValidPort("registry", registry);
            }
            return new PushRequest(this, access.build());
        }
    }
}
