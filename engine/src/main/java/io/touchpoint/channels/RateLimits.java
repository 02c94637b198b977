package io.touchpoint.channels;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Messages per second per provider, shared by every node through a Hazelcast map: each send reserves the next free
 * slot of its provider atomically and waits for it, so a burst is queued and spread out, never dropped.
 * Configured in {@code touchpoint.channels.rate-limits} (provider → messages per second; 0 or absent = no limit).
 */
@Component
@ConfigurationProperties(prefix = "touchpoint.channels")
public class RateLimits {

    private static final Logger log = LoggerFactory.getLogger(RateLimits.class);
    static final String MAP_NAME = "channel-rate-limits";

    private final IMap<String, Long> nextFreeSlot;
    private final Clock clock;
    private Map<String, Double> rateLimits = new HashMap<>();

    RateLimits(HazelcastInstance hazelcast, Clock clock) {
        this.nextFreeSlot = hazelcast.getMap(MAP_NAME);
        this.clock = clock;
    }

    public Map<String, Double> getRateLimits() {
        return rateLimits;
    }

    public void setRateLimits(Map<String, Double> rateLimits) {
        this.rateLimits = rateLimits;
    }

    /** Waits until this node may send one more message through the provider; returns how long it waited. */
    public Duration acquire(String provider) {
        Double perSecond = rateLimits.get(provider);
        if (perSecond == null || perSecond <= 0) {
            return Duration.ZERO;
        }
        long now = micros();
        Duration wait = Duration.of(reserve(provider, perSecond, now) - now, ChronoUnit.MICROS);
        if (!wait.isNegative() && !wait.isZero()) {
            log.debug("Provider {} is at its limit of {}/s; this message waits {}", provider, perSecond, wait);
            long until = System.nanoTime() + wait.toNanos();
            for (long left = wait.toNanos(); left > 0; left = until - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        }
        return wait;
    }

    /** Reserves the provider's next free slot at or after {@code nowMicros} (epoch microseconds) and returns it. */
    long reserve(String provider, double perSecond, long nowMicros) {
        return nextFreeSlot.executeOnKey(provider, new ReserveSlot(nowMicros, Math.round(1_000_000 / perSecond)));
    }

    private long micros() {
        return ChronoUnit.MICROS.between(java.time.Instant.EPOCH, clock.instant());
    }

    /**
     * Runs on the member owning the provider's entry: takes the next free slot and moves it on by one interval. A slot
     * more than an hour ahead was taken by a clock that has since gone back (NTP stepped it, a test moved it): the
     * queue starts again from now instead of holding every send until that clock's time comes round again.
     */
    record ReserveSlot(long nowMicros, long intervalMicros) implements EntryProcessor<String, Long, Long> {
        static final long STALE_MICROS = Duration.ofHours(1).toNanos() / 1_000;

        @Override
        public Long process(Map.Entry<String, Long> entry) {
            Long next = entry.getValue();
            long slot = next == null || next - nowMicros > STALE_MICROS ? nowMicros : Math.max(nowMicros, next);
            entry.setValue(slot + intervalMicros);
            return slot;
        }
    }
}
