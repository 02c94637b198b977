package io.touchpoint.channels;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

import io.touchpoint.system.CounterFamily;

/**
 * Counts the messages of journey steps and times their providers: {@code touchpoint.messages} tagged {@code channel},
 * {@code category} and {@code status} (sent; failed; unknown: may have been sent, needs an operator; skipped: suppressed
 * for consent or address), and {@code touchpoint.provider.latency} tagged {@code channel}: how long a provider took to
 * take a message (or fail), with a histogram for percentiles.
 */
@Component
class MessageMetrics {

    static final String SENT = "sent";
    static final String FAILED = "failed";
    static final String UNKNOWN = "unknown";
    static final String SKIPPED = "skipped";

    private final MeterRegistry registry;
    private final CounterFamily messages;
    private final Map<String, Timer> latencies = new ConcurrentHashMap<>();

    MessageMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.messages = new CounterFamily(registry, "touchpoint.messages", "Messages of journey steps by channel, category and status",
                "channel", "category", "status");
    }

    void counted(MessageRequest request, String status) {
        counted(request.channel().id(), request.category(), status);
    }

    void counted(String channel, String category, String status) {
        messages.with(channel, category, status).increment();
    }

    /** Hands the message to the provider, timed whether it answers or fails. */
    <T> T timed(Channel channel, Supplier<T> delivery) {
        return latencies.computeIfAbsent(channel.id(), id -> Timer.builder("touchpoint.provider.latency")
                .description("How long a channel's provider took to take a message (or to fail)")
                .tag("channel", id).publishPercentileHistogram().register(registry)).record(delivery);
    }
}
