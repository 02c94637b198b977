package io.touchpoint.channels;

/**
 * A message that could not be sent (a template that does not render, a provider that refuses or is down). It is
 * recorded as failed in the delivery log and thrown, so the journey step is retried and then becomes an incident.
 */
public class MessageFailedException extends RuntimeException {

    public MessageFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
