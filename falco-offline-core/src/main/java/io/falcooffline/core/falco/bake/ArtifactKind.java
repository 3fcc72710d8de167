package io.falcooffline.core.falco.bake;

import io.falcooffline.core.falco.FalcoMediaTypes;

/** The falcoctl artifact types an image can be baked with, and the media types falcoctl publishes them with. */
public enum ArtifactKind {
    /** A plugin: its {@code .so} files go to {@code /usr/share/falco/plugins/}. */
    PLUGIN(FalcoMediaTypes.PLUGIN_CONFIG, FalcoMediaTypes.PLUGIN_LAYER),
    /** A rulesfile: its files go where {@code falco.rules_files} names them, else to {@code /etc/falco/}. */
    RULESFILE(FalcoMediaTypes.RULESFILE_CONFIG, FalcoMediaTypes.RULESFILE_LAYER);

    private final String configMediaType;
    private final String layerMediaType;

    ArtifactKind(String configMediaType, String layerMediaType) {
        this.configMediaType = configMediaType;
        this.layerMediaType = layerMediaType;
    }

    /** The media type of the artifact's config blob. */
    public String configMediaType() {
        return configMediaType;
    }

    /** The media type of the artifact's one layer; falcoctl tells the artifact type by it. */
    public String layerMediaType() {
        return layerMediaType;
    }

    /** The kind whose layer has this media type, or null. */
    static ArtifactKind ofLayer(String mediaType) {
        for (ArtifactKind kind : values()) {
            if (kind.layerMediaType.equals(mediaType)) {
                return kind;
            }
        }
        return null;
    }

    String displayName() {
        return this == PLUGIN ? "plugin" : "rulesfile";
    }
}
