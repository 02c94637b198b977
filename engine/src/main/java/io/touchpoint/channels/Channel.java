package io.touchpoint.channels;

import java.util.Arrays;
import java.util.Locale;

/** The ways Touchpoint reaches a customer; {@link #id()} is the name used in consents, templates and the delivery log. */
public enum Channel {
    EMAIL, SMS, PUSH, WHATSAPP, WEBHOOK;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The channel named {@code id} ("email", "sms", ...), or an {@link IllegalArgumentException} listing the known ones. */
    public static Channel of(String id) {
        return Arrays.stream(values()).filter(c -> c.id().equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown channel '" + id + "'; known: " + Arrays.stream(values()).map(Channel::id).toList()));
    }
}
