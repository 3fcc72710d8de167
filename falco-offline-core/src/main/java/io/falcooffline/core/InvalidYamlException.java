package io.falcooffline.core;

/** A YAML document (values, Chart.yaml, an index) is malformed or unsafe: names the document and the problem. */
public class InvalidYamlException extends FalcoOfflineException {

    private static final long serialVersionUID = 1L;

    public InvalidYamlException(String message) {
        super(message);
    }

    public InvalidYamlException(String message, Throwable cause) {
        super(message, cause);
    }
}
