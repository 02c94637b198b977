package io.touchpoint.channels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.AbstractMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The slot reservation of a provider's rate limit, on a plain map entry (no Hazelcast). */
class RateLimitsTest {

    private static final long SECOND = 1_000_000;

    @Test
    void sendsInABurstTakeOneSlotEachOneIntervalApart() {
        Map.Entry<String, Long> entry = new AbstractMap.SimpleEntry<>("twilio", null);
        RateLimits.ReserveSlot reserve = new RateLimits.ReserveSlot(100 * SECOND, SECOND / 10);

        assertThat(reserve.process(entry)).isEqualTo(100 * SECOND);
        assertThat(reserve.process(entry)).isEqualTo(100 * SECOND + SECOND / 10);
        assertThat(entry.getValue()).isEqualTo(100 * SECOND + 2 * SECOND / 10);
    }

    @Test
    void aSlotTakenByAClockThatHasSinceGoneBackIsForgotten() {
        Map.Entry<String, Long> entry = new AbstractMap.SimpleEntry<>("twilio", 90 * 24 * 3600 * SECOND);

        assertThat(new RateLimits.ReserveSlot(SECOND, SECOND / 10).process(entry)).as("now, not in 90 days").isEqualTo(SECOND);
        assertThat(new RateLimits.ReserveSlot(0, SECOND / 10).process(new AbstractMap.SimpleEntry<>("twilio", 30 * SECOND)))
                .as("a queue of 30 s is a real backlog and is kept").isEqualTo(30 * SECOND);
    }
}
