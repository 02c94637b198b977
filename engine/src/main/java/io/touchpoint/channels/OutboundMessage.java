package io.touchpoint.channels;

/** A rendered message on its way to a channel's provider; {@code messageId} is the random id used in its links. */
public record OutboundMessage(String messageId, String idempotencyKey, String customerId, String template, String category,
                              String recipient, RenderedMessage content) {
}
