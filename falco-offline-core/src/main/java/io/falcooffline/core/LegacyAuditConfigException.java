package io.falcooffline.core;

import java.util.List;

/**
 * A values file uses audit settings from before Falco 0.32, when Falco's own web server received audit events. The
 * message names each key and its plugin-based equivalent.
 */
public class LegacyAuditConfigException extends FalcoOfflineException {

    private static final long serialVersionUID = 1L;

    private final String sourceName;
    private final List<String> legacyKeys;

    /**
     * Values that configure the k8saudit webhook in a form the chart no longer reads.
     *
     * @param sourceName the values file or profile holding them
     * @param legacyKeys the keys in the old form
     * @param message how to write them in the current form
     */
    public LegacyAuditConfigException(String sourceName, List<String> legacyKeys, String message) {
        super(message);
        this.sourceName = sourceName;
        this.legacyKeys = List.copyOf(legacyKeys);
    }

    /** The values file at fault. */
    public String sourceName() {
        return sourceName;
    }

    /** The legacy keys found, as dotted paths, e.g. {@code falco.webserver.k8s_audit_endpoint}. */
    public List<String> legacyKeys() {
        return legacyKeys;
    }
}
