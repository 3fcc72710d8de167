package io.falcooffline.core.io;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;

/** What went wrong in a JSON file, in the user's terms: the problem and where, without the parser's internals. */
public final class JsonErrors {

    private JsonErrors() {}

    public static String describe(JacksonException e) {
        String problem = String.valueOf(e.getOriginalMessage())
                .replaceAll("\\s*\\(for [^\\[]*\\[Source:[^\\]]*\\]\\)", "")
                .replaceAll("\\s*\\[Source:[^\\]]*\\]", "")
                .lines()
                .findFirst()
                .orElse("");
        TokenStreamLocation location = e.getLocation();
        if (location != null && location.getLineNr() > 0) {
            problem += " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        }
        return problem;
    }
}
