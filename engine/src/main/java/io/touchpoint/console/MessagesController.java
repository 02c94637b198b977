package io.touchpoint.console;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The delivery log, newest first, filtered by channel, status, template, customer and a date range (yyyy-MM-dd, UTC). */
@RestController
@RequestMapping("/api/console/messages")
public class MessagesController {

    static final int PAGE = 500;

    /** One message of the delivery log. */
    public record Message(String idempotencyKey, String customerId, String channel, String template, String category,
                          String recipient, String subject, String status, String reason, Instant createdAt, Instant updatedAt) {
    }

    private final JdbcTemplate jdbc;

    MessagesController(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @GetMapping
    public List<Message> messages(@RequestParam(required = false) String channel, @RequestParam(required = false) String status,
                                  @RequestParam(required = false) String template, @RequestParam(required = false) String customer,
                                  @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        StringBuilder sql = new StringBuilder("select * from delivery_log where created_at >= ? and created_at < ?");
        List<Object> args = new ArrayList<>(List.of(
                Timestamp.from(ConsoleClock.dayStart(from, Instant.EPOCH)),
                Timestamp.from(ConsoleClock.dayEnd(to, Instant.parse("9999-12-31T00:00:00Z")))));
        filter(sql, args, "channel", channel);
        filter(sql, args, "status", status == null ? null : status.toUpperCase());
        filter(sql, args, "template", template);
        filter(sql, args, "customer_id", customer);
        sql.append(" order by created_at desc");
        return jdbc.query(sql.toString(), (row, n) -> new Message(row.getString("idempotency_key"), row.getString("customer_id"),
                row.getString("channel"), row.getString("template"), row.getString("category"), row.getString("recipient"),
                row.getString("subject"), row.getString("status"), row.getString("reason"),
                ConsoleClock.instant(row.getTimestamp("created_at")), ConsoleClock.instant(row.getTimestamp("updated_at"))),
                args.toArray()).stream().limit(PAGE).toList();
    }

    /** The values the filters offer: channels, statuses and templates present in the log. */
    @GetMapping("/filters")
    public Map<String, List<String>> filters() {
        Map<String, List<String>> filters = new LinkedHashMap<>();
        for (String column : List.of("channel", "status", "template")) {
            filters.put(column, jdbc.queryForList("select distinct " + column + " from delivery_log order by " + column, String.class));
        }
        return filters;
    }

    private static void filter(StringBuilder sql, List<Object> args, String column, String value) {
        if (value != null && !value.isBlank()) {
            sql.append(" and ").append(column).append(" = ?");
            args.add(value.strip());
        }
    }
}
