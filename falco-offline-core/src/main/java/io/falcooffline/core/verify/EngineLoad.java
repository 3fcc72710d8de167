package io.falcooffline.core.verify;

import java.util.Optional;

/**
 * The outcome of loading Helm's engine: the engine, or why there is none on this platform.
 *
 * @param engine the engine, when it loaded
 * @param missing why it did not, naming the platform; empty when it loaded
 */
record EngineLoad(Optional<TemplateEngine> engine, String missing) {

    static EngineLoad loaded(TemplateEngine engine) {
        return new EngineLoad(Optional.of(engine), "");
    }

    static EngineLoad missing(String why) {
        return new EngineLoad(Optional.empty(), why);
    }
}
