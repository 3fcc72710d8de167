package io.falcooffline.core;

import java.util.List;

/**
 * In strict mode, the chart still points outside the internal registry after the rewrite. Lists every such
 * reference with where it was found.
 */
public class UnredirectedReferencesException extends FalcoOfflineException {

    private static final long serialVersionUID = 1L;

    private final List<String> warnings;

    /**
     * A strict run that left references pointing outside the air gap.
     *
     * @param warnings one line per reference that could not be redirected
     */
    public UnredirectedReferencesException(List<String> warnings) {
        super("The chart would still reach outside the internal registry:\n  - "
                + String.join("\n  - ", warnings)
                + "\nRedirect each one (values files or `overrides`), or set strict=false to accept them as warnings.");
        this.warnings = List.copyOf(warnings);
    }

    /** One line per reference that was not redirected. */
    public List<String> warnings() {
        return warnings;
    }
}
