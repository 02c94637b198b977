package io.touchpoint.decisions;

/** A fact the rules cannot work with (a bad time zone, a total that is not a number); becomes a recorded "no decision". */
public class UnusableFactException extends RuntimeException {

    public UnusableFactException(String field, String problem) {
        super(field + ": " + problem);
    }
}
