package io.falcooffline.core;

/** A YAML document (values, Chart.yaml, an index) is malformed or unsafe: names the document and the problem. */
public class InvalidYamlException extends FalcoOfflineException {

    private static final long serialVersionUID = 1L;

    /**
     * A YAML document that cannot be read.
     *
     * @param message the file and what is wrong with it
     */
    public InvalidYamlException(String message) {
        super(message);
    }

    /**
     * A YAML document that cannot be read.
     *
     * @param message the file and what is wrong with it
     * @param cause the parser's failure
     */
    public InvalidYamlException(String message, Throwable cause) {
        super(message, cause);
    }
}
