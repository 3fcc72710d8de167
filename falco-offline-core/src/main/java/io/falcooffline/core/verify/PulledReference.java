package io.falcooffline.core.verify;

/**
 * Something a rendered manifest makes the cluster pull.
 *
 * @param manifest the object and the template it came from, e.g.
 *     {@code DaemonSet/falco/falco (falco/templates/daemonset.yaml)}
 * @param container who pulls it: {@code container falco}, {@code initContainer falcoctl-artifact-install}, or
 *     {@code falcoctl.yaml artifact.install.refs[0]}
 * @param reference what is pulled, exactly as rendered
 * @param artifact whether it is a falcoctl artifact rather than a container image
 * @param hook whether the object is a Helm hook (for example a {@code helm test} pod)
 */
public record PulledReference(String manifest, String container, String reference, boolean artifact, boolean hook) {

    @Override
    public String toString() {
        return manifest + (hook ? " (hook)" : "") + " " + container + " pulls " + reference;
    }
}
