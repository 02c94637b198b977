package io.touchpoint.console;

/** Bad input to a console API: answered as a 400 problem whose {@code field} names the query parameter or body field. */
class BadParameterException extends RuntimeException {

    private final String field;

    BadParameterException(String field, String detail) {
        super(detail);
        this.field = field;
    }

    String field() {
        return field;
    }
}
