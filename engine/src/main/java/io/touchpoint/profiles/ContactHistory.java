package io.touchpoint.profiles;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What was sent to a customer, on which channel, when: a read of the channels' {@code delivery_log}, the one
 * record of every message, so frequency caps and the customer view count the same thing.
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

    /**
     * How many messages of a category ("marketing", "transactional") went to a customer on a channel since a
     * moment; suppressed and failed messages do not count. What a frequency cap asks.
     */
    public int sentSince(String customerId, String channel, String category, Instant since) {
        Integer count = jdbc.queryForObject("select count(*) from delivery_log where customer_id = ? and channel = ? and category = ? "
                        + "and status in ('QUEUED', 'SENT') and created_at >= ?",
                Integer.class, customerId, channel, category, Timestamp.from(since));
        return count == null ? 0 : count;
    }
}
