package io.touchpoint.profiles;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Traits computed from the customer's events: {@code order_placed} counts an order and adds its
 * {@code properties.total} to the lifetime value; every event moves first and last seen.
 */
public record ComputedTraits(long orderCount, Instant lastOrderAt, BigDecimal lifetimeValue, Instant firstSeenAt, Instant lastSeenAt)
        implements Serializable {

    /** The event type that counts as an order. */
    public static final String ORDER_PLACED = "order_placed";

    static final ComputedTraits NONE = new ComputedTraits(0, null, BigDecimal.ZERO, null, null);

    public ComputedTraits {
        lifetimeValue = lifetimeValue == null ? BigDecimal.ZERO : lifetimeValue;
    }

    /** The traits after one more event. */
    ComputedTraits after(String type, Instant occurredAt, BigDecimal total) {
        boolean order = ORDER_PLACED.equals(type);
        return new ComputedTraits(
                orderCount + (order ? 1 : 0),
                order ? latest(lastOrderAt, occurredAt) : lastOrderAt,
                order && total != null ? lifetimeValue.add(total) : lifetimeValue,
                earliest(firstSeenAt, occurredAt),
                latest(lastSeenAt, occurredAt));
    }

    /** The traits of two customers who turned out to be one. */
    ComputedTraits plus(ComputedTraits other) {
        return new ComputedTraits(orderCount + other.orderCount, latest(lastOrderAt, other.lastOrderAt),
                lifetimeValue.add(other.lifetimeValue), earliest(firstSeenAt, other.firstSeenAt), latest(lastSeenAt, other.lastSeenAt));
    }

    static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }

    static Instant earliest(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }
}
