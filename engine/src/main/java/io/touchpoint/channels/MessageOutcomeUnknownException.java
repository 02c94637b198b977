package io.touchpoint.channels;

/**
 * A message an earlier try claimed and may have handed to the provider without recording the outcome (the engine
 * stopped, the database failed). It is not sent again: the step becomes an incident at once, without retries, until
 * an operator resolves the message as sent or failed ({@link DeliveryLog#resolve}) and retries the step.
 */
public class MessageOutcomeUnknownException extends MessageFailedException {

    public MessageOutcomeUnknownException(String message) {
        super(message, null);
    }
}
