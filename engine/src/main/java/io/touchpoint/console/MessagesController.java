package io.touchpoint.console;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.touchpoint.channels.DeliveryReports;

/** The delivery log, newest first, filtered by channel, status, template, customer and a date range (yyyy-MM-dd, UTC). */
@RestController
@RequestMapping("/api/console/messages")
public class MessagesController {

    static final int PAGE = 500;

    /** One message of the delivery log. */
    public record Message(String idempotencyKey, String customerId, String channel, String template, String category,
                          String recipient, String subject, String status, String reason, Instant createdAt, Instant updatedAt) {
    }

    private final DeliveryReports deliveries;
    private final OverTime overTime;

    MessagesController(DeliveryReports deliveries, OverTime overTime) {
        this.deliveries = deliveries;
        this.overTime = overTime;
    }

    /**
     * Sent, delivered, failed, suppressed, opened and clicked messages with their rates, per day of {@code from}..{@code to}
     * (yyyy-MM-dd) in {@code zone} (UTC by default) and per template, filtered by channel, template and journey.
     */
    @GetMapping("/over-time")
    public OverTime.MessagesReport overTime(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
                                            @RequestParam(required = false) String zone, @RequestParam(required = false) String channel,
                                            @RequestParam(required = false) String template, @RequestParam(required = false) String journey) {
        return overTime.messages(overTime.range(from, to, zone), channel, template, journey);
    }

    @GetMapping
    public List<Message> messages(@RequestParam(required = false) String channel, @RequestParam(required = false) String status,
                                  @RequestParam(required = false) String template, @RequestParam(required = false) String customer,
                                  @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        return deliveries.messages(ConsoleClock.dayStart(from, Instant.EPOCH), ConsoleClock.dayEnd(to, Instant.parse("9999-12-31T00:00:00Z")),
                        channel, status == null ? null : status.toUpperCase(), template, customer).stream()
                .map(m -> new Message(m.idempotencyKey(), m.customerId(), m.channel(), m.template(), m.category(), m.recipient(),
                        m.subject(), m.status().name(), m.reason(), m.createdAt(), m.updatedAt()))
                .limit(PAGE).toList();
    }

    /** The values the filters offer: channels, statuses and templates present in the log. */
    @GetMapping("/filters")
    public Map<String, List<String>> filters() {
        return deliveries.channelsStatusesAndTemplates();
    }
}
