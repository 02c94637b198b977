package io.touchpoint.channels;

/** An email a journey step wants sent; the idempotency key (journey instance + step) makes it sent once. */
public record OutgoingEmail(String idempotencyKey, String customerId, String template, String to, String subject, String text) {
}
