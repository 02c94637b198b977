package io.touchpoint.decisions;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Reads a customer's contact history from the channels' {@code delivery_log}: messages SENT, any journey, any channel. */
@Component
class DeliveryHistory {

    /** The longest cap window worth reading, with a day of margin for time zones. */
    static final Duration LOOK_BACK = Duration.ofDays(32);

    private final JdbcTemplate jdbc;

    DeliveryHistory(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    List<ContactHistory.Contact> sentTo(String customerId, Instant now) {
        return jdbc.query("select channel, category, created_at from delivery_log where customer_id = ? and status = 'SENT' and created_at >= ?",
                (row, n) -> new ContactHistory.Contact(row.getString("channel"), row.getString("category"),
                        row.getTimestamp("created_at").toInstant()),
                customerId, Timestamp.from(now.minus(LOOK_BACK)));
    }
}
