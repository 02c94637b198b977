package io.touchpoint.events;

/** An event that cannot be accepted; the message names the bad field and is shown to the sender. */
public class InvalidEventException extends RuntimeException {

    public InvalidEventException(String message) {
        super(message);
    }
}
