package io.touchpoint.channels;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import org.apache.camel.ProducerTemplate;

import io.touchpoint.profiles.CustomerProfile;

/**
 * SMS, WhatsApp, push and webhooks: the message goes to the Camel route {@code direct:channels-<channel>} in
 * {@code routes/channels-<channel>.camel.yaml}, which shapes the provider's HTTP request and answers its message id.
 */
public class HttpProviderChannel implements MessageChannel {

    private static final String E164 = "\\+[1-9][0-9]{6,14}";

    private final Channel channel;
    private final ProducerTemplate camel;
    private final Function<CustomerProfile, Recipient> recipients;

    HttpProviderChannel(Channel channel, ProducerTemplate camel, Function<CustomerProfile, Recipient> recipients) {
        this.channel = channel;
        this.camel = camel;
        this.recipients = recipients;
    }

    @Override
    public Channel channel() {
        return channel;
    }

    @Override
    public Recipient recipientOf(CustomerProfile profile) {
        return recipients.apply(profile);
    }

    @Override
    public String deliver(OutboundMessage message) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("messageId", message.messageId());
        request.put("customerId", message.customerId());
        request.put("template", message.template());
        request.put("category", message.category());
        request.put("to", message.recipient());
        request.put("title", message.content().title());
        request.put("text", message.content().text());
        request.put("body", message.content().body());
        return camel.requestBody("direct:channels-" + channel.id(), request, String.class);
    }

    /** A phone number in E.164 form (+4915112345678; spaces, dashes and brackets are ignored). */
    static Recipient phoneOf(CustomerProfile profile) {
        String phone = profile.phone();
        if (phone == null || phone.isBlank()) {
            return Recipient.invalid(null, "no phone number");
        }
        String normalised = phone.replaceAll("[\\s()\\-.]", "");
        return normalised.matches(E164) ? Recipient.valid(normalised)
                : Recipient.invalid(phone, "invalid phone number (expected E.164, for example +4915112345678)");
    }

    /** The device token in the profile attribute {@code pushToken}. */
    static Recipient pushTokenOf(CustomerProfile profile) {
        Object token = profile.attributes().get("pushToken");
        return token instanceof String t && !t.isBlank() ? Recipient.valid(t) : Recipient.invalid(null, "no push token");
    }

    /** A webhook goes to the configured endpoint about the customer; the customer id is its recipient. */
    static Recipient customerIdOf(CustomerProfile profile) {
        return Recipient.valid(profile.customerId());
    }
}
