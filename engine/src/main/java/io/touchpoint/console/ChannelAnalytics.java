package io.touchpoint.console;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * Figures per channel over a date range: contacts reached and messages sent (delivery log), opens and clicks
 * (events {@code email_opened} / {@code link_clicked} from the channels' open pixel and click redirects, channel in {@code properties.channel}, email when
 * absent), and conversions (the configured conversion events) credited to the first and the last message the
 * customer was sent within the attribution window before converting.
 */
@Service
public class ChannelAnalytics {

    static final String OPENED = "email_opened";
    static final String CLICKED = "link_clicked";

    /** The figures of one channel. */
    public static final class ChannelFigures {
        public long contactsReached;
        public long sent;
        public long failed;
        public long suppressed;
        public long opens;
        public long clicks;
        public long firstTouchConversions;
        public long lastTouchConversions;
    }

    /** The report: the range, the totals of conversions (attributed or not) and the figures per channel. */
    public record Report(Instant from, Instant to, List<String> conversionEvents, Duration attributionWindow,
                         long conversions, long unattributedConversions, Map<String, ChannelFigures> channels) {
    }

    private record Touch(String customerId, String channel, Instant at) {
    }

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final List<String> conversionEvents;
    private final Duration window;

    ChannelAnalytics(JdbcTemplate jdbc, ObjectMapper json,
                     @Value("${touchpoint.console.conversion-events:order_placed}") List<String> conversionEvents,
                     @Value("${touchpoint.console.attribution-window:P7D}") Duration window) {
        this.jdbc = jdbc;
        this.json = json;
        this.conversionEvents = conversionEvents;
        this.window = window;
    }

    public Report report(Instant from, Instant to) {
        Map<String, ChannelFigures> channels = new TreeMap<>();
        jdbc.query("select channel, status, count(*), count(distinct customer_id) from delivery_log where created_at >= ? and created_at < ?"
                        + " group by channel, status", row -> {
                    ChannelFigures figures = channels.computeIfAbsent(row.getString(1), c -> new ChannelFigures());
                    switch (row.getString(2)) {
                        case "SENT" -> { figures.sent = row.getLong(3); figures.contactsReached = row.getLong(4); }
                        case "FAILED" -> figures.failed = row.getLong(3);
                        case "SUPPRESSED" -> figures.suppressed = row.getLong(3);
                        default -> { }
                    }
                }, Timestamp.from(from), Timestamp.from(to));
        countEngagement(channels, from, to);
        long[] conversions = attributeConversions(channels, from, to);
        return new Report(from, to, conversionEvents, window, conversions[0], conversions[1], channels);
    }

    private void countEngagement(Map<String, ChannelFigures> channels, Instant from, Instant to) {
        jdbc.query("select type, payload from customer_event where type in (?, ?) and occurred_at >= ? and occurred_at < ?", row -> {
            ChannelFigures figures = channels.computeIfAbsent(channelOf(row.getString(2)), c -> new ChannelFigures());
            if (OPENED.equals(row.getString(1))) {
                figures.opens++;
            } else {
                figures.clicks++;
            }
        }, OPENED, CLICKED, Timestamp.from(from), Timestamp.from(to));
    }

    /** Credits each conversion to its first- and last-touch channel; answers {conversions, unattributed}. */
    private long[] attributeConversions(Map<String, ChannelFigures> channels, Instant from, Instant to) {
        if (conversionEvents.isEmpty()) {
            return new long[] {0, 0};
        }
        String types = String.join(",", conversionEvents.stream().map(t -> "?").toList());
        List<Touch> conversions = jdbc.query("select customer_id, occurred_at from customer_event where type in (" + types + ")"
                        + " and occurred_at >= ? and occurred_at < ?",
                (row, n) -> new Touch(row.getString(1), null, ConsoleClock.instant(row.getTimestamp(2))),
                concat(conversionEvents, Timestamp.from(from), Timestamp.from(to)));
        Map<String, List<Touch>> sentByCustomer = new HashMap<>();
        jdbc.query("select customer_id, channel, created_at from delivery_log where status = 'SENT' and created_at >= ? and created_at < ?",
                row -> { sentByCustomer.computeIfAbsent(row.getString(1), c -> new java.util.ArrayList<>())
                        .add(new Touch(row.getString(1), row.getString(2), ConsoleClock.instant(row.getTimestamp(3)))); },
                Timestamp.from(from.minus(window)), Timestamp.from(to));
        long unattributed = 0;
        for (Touch conversion : conversions) {
            List<Touch> touches = sentByCustomer.getOrDefault(conversion.customerId(), List.of()).stream()
                    .filter(t -> !t.at().isAfter(conversion.at()) && !t.at().isBefore(conversion.at().minus(window)))
                    .sorted(Comparator.comparing(Touch::at)).toList();
            if (touches.isEmpty()) {
                unattributed++;
                continue;
            }
            channels.computeIfAbsent(touches.get(0).channel(), c -> new ChannelFigures()).firstTouchConversions++;
            channels.computeIfAbsent(touches.get(touches.size() - 1).channel(), c -> new ChannelFigures()).lastTouchConversions++;
        }
        return new long[] {conversions.size(), unattributed};
    }

    private String channelOf(String payload) {
        try {
            JsonNode channel = json.readTree(payload).path("properties").path("channel");
            return channel.isTextual() ? channel.asText() : "email";
        } catch (java.io.IOException e) {
            return "email";
        }
    }

    private static Object[] concat(List<String> first, Object... rest) {
        Object[] all = new Object[first.size() + rest.length];
        System.arraycopy(first.toArray(), 0, all, 0, first.size());
        System.arraycopy(rest, 0, all, first.size(), rest.length);
        return all;
    }

}
