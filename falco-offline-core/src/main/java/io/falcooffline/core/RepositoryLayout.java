package io.falcooffline.core;

/** How a source repository path becomes a repository on the internal registry. */
public enum RepositoryLayout {
    /** {@code <registry>/<prefix>/<source repository>}: {@code falcosecurity/falco} stays {@code falcosecurity/falco}. */
    KEEP,
    /** {@code <registry>/<prefix>/<last path segment>}: {@code falcosecurity/falco} becomes {@code falco}. */
    FLATTEN
}
