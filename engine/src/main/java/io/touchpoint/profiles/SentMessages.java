package io.touchpoint.profiles;

import java.time.Instant;
import java.util.List;

/**
 * What was sent to a customer, on which channel, when, for the customer view. The channels own the record of every
 * message and implement this; profiles only asks.
 */
public interface SentMessages {

    /** One message to the customer. */
    record SentMessage(String channel, String category, String template, String status, Instant at) {
    }

    /** The latest messages to a customer, newest first. */
    List<SentMessage> recent(String customerId, int limit);
}
