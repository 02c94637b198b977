package io.touchpoint.decisions;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.stereotype.Component;

import io.touchpoint.channels.DeliveryReports;

/** A customer's contact history for the frequency caps, from the channels' delivery log: messages SENT, any journey, any channel. */
@Component
class DeliveryHistory {

    /** The longest cap window worth reading, with a day of margin for time zones. */
    static final Duration LOOK_BACK = Duration.ofDays(32);

    private final DeliveryReports deliveries;

    DeliveryHistory(DeliveryReports deliveries) {
        this.deliveries = deliveries;
    }

    List<ContactHistory.Contact> sentTo(String customerId, Instant now) {
        return deliveries.sentTo(customerId, now.minus(LOOK_BACK)).stream()
                .map(sent -> new ContactHistory.Contact(sent.channel(), sent.category(), sent.at()))
                .toList();
    }
}
