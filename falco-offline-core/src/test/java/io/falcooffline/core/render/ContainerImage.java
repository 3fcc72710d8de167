package io.falcooffline.core.render;

/**
 * An image a rendered object runs.
 *
 * @param image the reference exactly as rendered, e.g. {@code docker.io/falcosecurity/falco:0.44.0}
 * @param container the container's name
 * @param path where in the object it is, e.g. {@code spec.template.spec.initContainers[0].image}
 * @param manifest the object it came from
 */
public record ContainerImage(String image, String container, String path, Manifest manifest) {

    @Override
    public String toString() {
        return image + " (" + manifest.identity() + " " + path + ")";
    }
}
