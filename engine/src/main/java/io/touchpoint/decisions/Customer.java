package io.touchpoint.decisions;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

import org.kie.api.definition.type.ClassReactive;

import io.touchpoint.profiles.CustomerProfile;

/**
 * The customer as the rules see them: reachability, consents, attributes and time zone, read from the profile.
 * Never modified by a rule, so class reactivity costs nothing (and Drools stops warning about it).
 */
@ClassReactive
public final class Customer {

    /** Channel name in rules/channel.drl.csv that stands for the customer's own preferred channel. */
    public static final String PREFERRED = "preferred";

    private final CustomerProfile profile;
    private final ZoneId zone;

    public Customer(CustomerProfile profile) {
        this.profile = profile;
        this.zone = zoneOf(profile.timeZone());
    }

    public String getId() {
        return profile.customerId();
    }

    public ZoneId getZone() {
        return zone;
    }

    public Map<String, Object> getAttributes() {
        return profile.attributes();
    }

    /** The attribute's value, or null. */
    public Object attribute(String name) {
        return profile.attributes().get(name);
    }

    /** Whether the attribute is true (boolean true or the text "true"). */
    public boolean flag(String name) {
        return "true".equalsIgnoreCase(String.valueOf(attribute(name)));
    }

    /** The attribute as a number, or null when absent or not a number. */
    public Double number(String name) {
        Object value = attribute(name);
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return value == null ? null : Double.valueOf(value.toString());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The customer's preferred channel (attribute {@code preferredChannel}), or null. */
    public String getPreferredChannel() {
        Object preferred = attribute("preferredChannel");
        return preferred == null ? null : preferred.toString();
    }

    /** The channel a row of the channel table means: its own name, or the preferred channel for "preferred". */
    public String channel(String name) {
        return PREFERRED.equals(name) ? getPreferredChannel() : name;
    }

    /** Whether we have an address for the channel: email, phone (sms), push token (push). */
    public boolean canReach(String channel) {
        return switch (channel == null ? "" : channel) {
            case "email" -> profile.email() != null;
            case "sms" -> profile.phone() != null;
            case "push" -> attribute("pushToken") != null;
            default -> false;
        };
    }

    public boolean consentsTo(String channel, String purpose) {
        return profile.consentsTo(channel, purpose);
    }

    /** Whether the request allows the channel, we can reach the customer on it and they consent to the request's purpose. */
    public boolean canBeReachedOn(String channel, DecisionRequest request) {
        return channel != null && request.allows(channel) && canReach(channel) && consentsTo(channel, request.getCategory());
    }

    private static ZoneId zoneOf(String timeZone) {
        if (timeZone == null || timeZone.isBlank()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new UnusableFactException("profile.timeZone", "'" + timeZone + "' is not a time zone id");
        }
    }
}
