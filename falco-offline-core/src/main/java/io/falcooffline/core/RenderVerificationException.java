package io.falcooffline.core;

import java.util.List;

/** What the rendered output chart pulls disagrees with the plan, or verification was required and cannot run. */
public class RenderVerificationException extends FalcoOfflineException {

    private final List<String> problems;

    /**
     * A rendered chart that pulls what the plan does not hold.
     *
     * @param message the summary
     * @param problems one line per reference the render pulls that is not in the plan
     */
    public RenderVerificationException(String message, List<String> problems) {
        super(message);
        this.problems = List.copyOf(problems);
    }

    /** One line per rendered reference at fault, naming the manifest, the container, the pull and the plan's entry. */
    public List<String> problems() {
        return problems;
    }
}
