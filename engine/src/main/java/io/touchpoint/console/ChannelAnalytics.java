package io.touchpoint.console;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

import io.touchpoint.channels.DeliveryReports;
import io.touchpoint.events.EventHistory;

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

    private final DeliveryReports deliveries;
    private final EventHistory events;
    private final ObjectMapper json;
    private final List<String> conversionEvents;
    private final Duration window;

    ChannelAnalytics(DeliveryReports deliveries, EventHistory events, ObjectMapper json,
                     @Value("${touchpoint.console.conversion-events:order_placed}") List<String> conversionEvents,
                     @Value("${touchpoint.console.attribution-window:P7D}") Duration window) {
        this.deliveries = deliveries;
        this.events = events;
        this.json = json;
        this.conversionEvents = conversionEvents;
        this.window = window;
    }

    public Report report(Instant from, Instant to) {
        Map<String, ChannelFigures> channels = new TreeMap<>();
        for (DeliveryReports.StatusCount count : deliveries.countsByChannelAndStatus(from, to)) {
            ChannelFigures figures = channels.computeIfAbsent(count.channel(), c -> new ChannelFigures());
            switch (count.status()) {
                case "SENT" -> { figures.sent = count.messages(); figures.contactsReached = count.customers(); }
                case "FAILED" -> figures.failed = count.messages();
                case "SUPPRESSED" -> figures.suppressed = count.messages();
                default -> { }
            }
        }
        countEngagement(channels, from, to);
        long[] conversions = attributeConversions(channels, from, to);
        return new Report(from, to, conversionEvents, window, conversions[0], conversions[1], channels);
    }

    private void countEngagement(Map<String, ChannelFigures> channels, Instant from, Instant to) {
        for (EventHistory.Recorded event : events.payloadsOf(List.of(OPENED, CLICKED), from, to)) {
            ChannelFigures figures = channels.computeIfAbsent(channelOf(event.payload()), c -> new ChannelFigures());
            if (OPENED.equals(event.type())) {
                figures.opens++;
            } else {
                figures.clicks++;
            }
        }
    }

    /** Credits each conversion to its first- and last-touch channel; answers {conversions, unattributed}. */
    private long[] attributeConversions(Map<String, ChannelFigures> channels, Instant from, Instant to) {
        if (conversionEvents.isEmpty()) {
            return new long[] {0, 0};
        }
        List<Touch> conversions = events.occurrencesOf(conversionEvents, from, to).stream()
                .map(event -> new Touch(event.customerId(), null, event.occurredAt())).toList();
        Map<String, List<Touch>> sentByCustomer = new HashMap<>();
        deliveries.sentBetween(from.minus(window), to).forEach(sent -> sentByCustomer
                .computeIfAbsent(sent.customerId(), c -> new ArrayList<>()).add(new Touch(sent.customerId(), sent.channel(), sent.at())));
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
}
