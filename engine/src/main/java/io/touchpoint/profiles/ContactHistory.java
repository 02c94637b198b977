package io.touchpoint.profiles;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What was sent to a customer, on which channel, when, for the customer view: a read of the channels'
 * {@code delivery_log}, the one record of every message (frequency caps read it too, in decisions.DeliveryHistory).
 */
@Component
public class ContactHistory {

    /** One message to the customer. */
    public record Contact(String channel, String category, String template, String status, Instant at) {
    }

    private final JdbcTemplate jdbc;

    ContactHistory(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The latest messages to a customer, newest first. */
    public List<Contact> recent(String customerId, int limit) {
        return jdbc.query("select channel, category, template, status, created_at from delivery_log where customer_id = ? order by created_at desc limit ?",
                        (row, n) -> new Contact(row.getString("channel"), row.getString("category"), row.getString("template"),
                                row.getString("status"), row.getTimestamp("created_at").toInstant()), customerId, limit);
    }
}
