package io.touchpoint.events;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The reads of {@code customer_event} that other features make: an event again by its id (a journey step's retry),
 * a customer's events (the console's timeline), events of some types in a date range (the console's analytics) and
 * some customers' events of some types (a segment's backfill) and every event of a period (a journey backtest).
 */
@Component
public class EventHistory {

    /** A recorded event, or the part of it a read asks for (the fields it leaves out are null). */
    public record Recorded(String customerId, String type, Instant occurredAt, String payload) {
    }

    private final JdbcTemplate jdbc;

    EventHistory(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The event as stored (its JSON), while it is recorded: an erased customer's events are not. */
    public Optional<String> payload(String eventId) {
        return jdbc.queryForList("select payload from customer_event where event_id = ?", String.class, eventId).stream().findFirst();
    }

    /** The customer of an event, while it is recorded. */
    public Optional<String> customerOf(String eventId) {
        return jdbc.queryForList("select customer_id from customer_event where event_id = ?", String.class, eventId).stream().findFirst();
    }

    /** A customer's events (type, when, payload), latest first. */
    public List<Recorded> ofCustomer(String customerId) {
        return jdbc.query("select type, occurred_at, payload from customer_event where customer_id = ? order by occurred_at desc",
                (row, n) -> new Recorded(null, row.getString(1), instant(row.getTimestamp(2)), row.getString(3)), customerId);
    }

    /** The type and payload of every event of these types that occurred in {@code [from, to)}. */
    public List<Recorded> payloadsOf(List<String> types, Instant from, Instant to) {
        return jdbc.query("select type, payload from customer_event where type in (" + marks(types) + ") and occurred_at >= ? and occurred_at < ?",
                (row, n) -> new Recorded(null, row.getString(1), null, row.getString(2)), arguments(types, from, to));
    }

    /** The customer and moment of every event of these types that occurred in {@code [from, to)}. */
    public List<Recorded> occurrencesOf(List<String> types, Instant from, Instant to) {
        return jdbc.query("select customer_id, occurred_at from customer_event where type in (" + marks(types) + ")"
                        + " and occurred_at >= ? and occurred_at < ?",
                (row, n) -> new Recorded(row.getString(1), null, instant(row.getTimestamp(2)), null), arguments(types, from, to));
    }

    /** The customer, type, moment and payload of the events of these types these customers had since {@code from}. */
    public List<Recorded> ofCustomers(List<String> customerIds, List<String> types, Instant from) {
        if (customerIds.isEmpty() || types.isEmpty()) {
            return List.of();
        }
        List<Object> arguments = new ArrayList<>(customerIds);
        arguments.addAll(types);
        arguments.add(Timestamp.from(from));
        return jdbc.query("select customer_id, type, occurred_at, payload from customer_event where customer_id in (" + marks(customerIds)
                        + ") and type in (" + marks(types) + ") and occurred_at >= ?",
                (row, n) -> new Recorded(row.getString(1), row.getString(2), instant(row.getTimestamp(3)), row.getString(4)), arguments.toArray());
    }

    /** Every event that occurred in {@code [from, to)} (customer, type, when, payload), oldest first, at most {@code limit}. */
    public List<Recorded> occurredBetween(Instant from, Instant to, int limit) {
        return jdbc.query("select customer_id, type, occurred_at, payload from customer_event where occurred_at >= ? and occurred_at < ?"
                        + " order by occurred_at, received_at limit ?",
                (row, n) -> new Recorded(row.getString(1), row.getString(2), instant(row.getTimestamp(3)), row.getString(4)),
                Timestamp.from(from), Timestamp.from(to), limit);
    }

    private static String marks(List<String> types) {
        return String.join(", ", Collections.nCopies(types.size(), "?"));
    }

    private static Object[] arguments(List<String> types, Instant from, Instant to) {
        List<Object> arguments = new ArrayList<>(types);
        arguments.add(Timestamp.from(from));
        arguments.add(Timestamp.from(to));
        return arguments.toArray();
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
