package io.falcooffline.core;

import java.util.List;

/**
 * The Falco half and the kube-apiserver half of the audit webhook disagree, so audit events would be lost. Each
 * problem names both values and how to make them agree.
 */
public class AuditMismatchException extends FalcoOfflineException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /**
     * An audit set-up whose parts disagree.
     *
     * @param problems one line per disagreement, each naming the value and how to fix it
     */
    public AuditMismatchException(List<String> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per disagreement. */
    public List<String> problems() {
        return problems;
    }

    private static String message(List<String> problems) {
        if (problems.size() == 1) {
            return "The k8s audit webhook would lose events: " + problems.get(0);
        }
        return "The k8s audit webhook would lose events:\n  - " + String.join("\n  - ", problems);
    }
}
