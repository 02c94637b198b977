package io.touchpoint.channels;

import io.touchpoint.profiles.CustomerProfile;

/** One way of delivering messages (email, SMS, ...): who a customer is on it, and how a message gets there. */
public interface MessageChannel {

    Channel channel();

    /** The customer's address on this channel, or the reason there is no valid one. */
    Recipient recipientOf(CustomerProfile profile);

    /** Hands the message to the provider; returns the provider's message id. Throws when the provider fails. */
    String deliver(OutboundMessage message);
}
