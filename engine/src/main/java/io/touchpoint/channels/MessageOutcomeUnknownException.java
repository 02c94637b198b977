package io.touchpoint.channels;

/**
 * A message that may have been sent although it is not known to be: an earlier try claimed it and did not record
 * the outcome (the engine stopped, the database failed), or the provider gave no answer after it was handed over. It is not sent again: the step becomes an incident at once, without retries, until
 * an operator resolves the message as sent or failed ({@link DeliveryLog#resolve}) and retries the step.
 */
public class MessageOutcomeUnknownException extends MessageFailedException {

    public MessageOutcomeUnknownException(String message) {
        super(message, null);
    }

    public MessageOutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
