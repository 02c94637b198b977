package io.touchpoint.channels;

import io.touchpoint.channels.DeliveryLog.Status;

/** What became of a message: its status, why (for suppressed or failed) and the provider's id for it. */
public record Delivery(String idempotencyKey, Status status, String reason, String providerMessageId) {

    static Delivery of(DeliveryLog.Entry entry) {
        return new Delivery(entry.idempotencyKey(), entry.status(), entry.reason(), entry.providerMessageId());
    }
}
