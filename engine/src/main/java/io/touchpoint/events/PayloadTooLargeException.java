package io.touchpoint.events;

/** A payload or batch over the configured limit; answered with 413 and nothing of it is taken in. */
public class PayloadTooLargeException extends RuntimeException {

    public PayloadTooLargeException(String message) {
        super(message);
    }
}
