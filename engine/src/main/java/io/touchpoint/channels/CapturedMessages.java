package io.touchpoint.channels;

import java.util.concurrent.atomic.AtomicLong;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Capture mode ({@code touchpoint.channels.capture=true}, set only in a journey sandbox): {@link MessageService}
 * does everything it does for a real send — consent, address, template, delivery log with the rendered content —
 * but hands the message here instead of to its channel, so no email, SMS, push or webhook leaves the process.
 */
@Component
@ConditionalOnProperty(name = "touchpoint.channels.capture", havingValue = "true")
public class CapturedMessages {

    private final AtomicLong captured = new AtomicLong();

    /** Takes the message instead of the provider; answers a provider message id of its own. */
    String keep(OutboundMessage message) {
        return "captured-" + captured.incrementAndGet();
    }

    /** How many messages were captured. */
    public long count() {
        return captured.get();
    }
}
