package io.touchpoint.channels;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import io.touchpoint.channels.DeliveryLog.Entry;
import io.touchpoint.events.CustomerEvent;
import io.touchpoint.events.EventMetrics;
import io.touchpoint.events.EventsApi;
import io.touchpoint.profiles.CustomerProfile;

/**
 * What a customer does with a message, from its signed links: an open or a click becomes an event
 * ({@code email_opened}, {@code link_clicked}) journeys can wait for; an unsubscribe withdraws marketing consent
 * for the message's channel (event {@code unsubscribed}). A forged link changes nothing. Each event has an id made
 * from the message (and the link) and goes through the intake route like any event, so a repeated open or click
 * is a duplicate there.
 */
@Service
public class Engagement {

    private static final Logger log = LoggerFactory.getLogger(Engagement.class);

    private final EngagementLinks links;
    private final DeliveryLog deliveries;
    private final EventsApi events;
    private final EventMetrics eventMetrics;
    private final Clock clock;

    Engagement(EngagementLinks links, DeliveryLog deliveries, EventsApi events, EventMetrics eventMetrics, Clock clock) {
        this.links = links;
        this.deliveries = deliveries;
        this.events = events;
        this.eventMetrics = eventMetrics;
        this.clock = clock;
    }

    /** Records the first open of a message (later opens are the same event, processed once). */
    public void opened(String token) {
        Entry message = message(links.verify(EngagementLinks.OPEN, token));
        deliveries.markOpened(message.messageId(), clock.instant());
        accept("email_opened", "email_opened:" + message.messageId(), message, Map.of());
    }

    /** Records a click and answers where to send the browser. */
    public String clicked(String token) {
        EngagementLinks.Link link = links.verify(EngagementLinks.CLICK, token);
        Entry message = message(link);
        String linkId = UUID.nameUUIDFromBytes(link.target().getBytes(StandardCharsets.UTF_8)).toString();
        deliveries.markClicked(message.messageId(), clock.instant());
        accept("link_clicked", "link_clicked:" + message.messageId() + ":" + linkId, message, Map.of("url", link.target()));
        return link.target();
    }

    /** Checks an unsubscribe link without acting on it (the confirmation page). */
    public String channelOfUnsubscribe(String token) {
        return message(links.verify(EngagementLinks.UNSUBSCRIBE, token)).channel();
    }

    /** Withdraws the customer's marketing consent for the message's channel. */
    public void unsubscribe(String token) {
        Entry message = message(links.verify(EngagementLinks.UNSUBSCRIBE, token));
        String consent = message.channel() + "." + CustomerProfile.MARKETING;
        accept("unsubscribed", "unsubscribed:" + message.messageId(), message, Map.of("consents", Map.of(consent, false)));
        log.info("The recipient of message {} unsubscribed from {}", message.idempotencyKey(), consent);
    }

    private Entry message(EngagementLinks.Link link) {
        return deliveries.findByMessageId(link.messageId())
                .orElseThrow(() -> new LinkSigner.TamperedLinkException("the link's message is unknown"));
    }

    private void accept(String type, String eventId, Entry message, Map<String, Object> extra) {
        Map<String, Object> properties = new LinkedHashMap<>(extra);
        properties.put("messageId", message.messageId());
        properties.put("template", message.template());
        properties.put("channel", message.channel());
        eventMetrics.count(EventMetrics.ENGAGEMENT, events.takeIn(new CustomerEvent(eventId, type, message.customerId(), Map.of(), clock.instant(), properties)));
    }
}
