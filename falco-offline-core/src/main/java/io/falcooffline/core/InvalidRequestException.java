package io.falcooffline.core;

/**
 * A request parameter is missing or wrong. {@link #parameter()} names it, so a front end can point at its own
 * spelling of that parameter (a POM element, a command-line flag).
 */
public class InvalidRequestException extends FalcoOfflineException {

    private static final long serialVersionUID = 1L;

    private final String parameter;

    /**
     * A request parameter that is missing or malformed.
     *
     * @param parameter the parameter's name, e.g. {@code registry}
     * @param message what is wrong and how to fix it
     */
    public InvalidRequestException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    /** The request parameter at fault, as named in {@link PackageRequest.Builder}. */
    public String parameter() {
        return parameter;
    }
}
