package io.touchpoint.channels;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.stereotype.Service;

import io.touchpoint.channels.DeliveryLog.Entry;
import io.touchpoint.channels.DeliveryLog.Status;
import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.profiles.ProfileService;

/**
 * Sends one message for a journey step, at most once per idempotency key. At send time it checks consent for the
 * channel and category, the customer's address, renders the template in the customer's locale, waits for the
 * provider's rate limit, claims the message in the {@link DeliveryLog} (committed) and only then hands it to the
 * channel. Suppressed messages are logged with the reason; a failure is logged and thrown as
 * {@link MessageFailedException} so the step is retried and ends as an incident; a message claimed by an earlier
 * try that never recorded its outcome is not sent again ({@link MessageOutcomeUnknownException}).
 */
@Service
public class MessageService {

    private static final Logger log = LoggerFactory.getLogger(MessageService.class);

    private final Map<Channel, MessageChannel> channels = new EnumMap<>(Channel.class);
    private final ProfileService profiles;
    private final MessageTemplates templates;
    private final DeliveryLog deliveries;
    private final EngagementLinks links;
    private final RateLimits rateLimits;
    private final MessageMetrics metrics;
    /** Set in a journey sandbox only: messages are captured there instead of delivered. */
    private final CapturedMessages capture;

    MessageService(List<MessageChannel> channels, ProfileService profiles, MessageTemplates templates,
                   DeliveryLog deliveries, EngagementLinks links, RateLimits rateLimits, MessageMetrics metrics,
                   ObjectProvider<CapturedMessages> capture) {
        channels.forEach(c -> this.channels.put(c.channel(), c));
        this.profiles = profiles;
        this.templates = templates;
        this.deliveries = deliveries;
        this.links = links;
        this.rateLimits = rateLimits;
        this.metrics = metrics;
        this.capture = capture.getIfAvailable();
    }

    public Delivery send(MessageRequest request) {
        Optional<Entry> before = deliveries.find(request.idempotencyKey());
        if (before.isPresent() && before.get().status().isFinal()) {
            log.debug("Message {} was already {}; not sent again", request.idempotencyKey(), before.get().status());
            return Delivery.of(before.get());
        }
        if (before.isPresent() && before.get().status().mayHaveBeenSent()) {
            throw outcomeUnknown(before.get());
        }
        String messageId = before.map(Entry::messageId).orElseGet(() -> UUID.randomUUID().toString());
        MessageChannel channel = channel(request.channel());
        CustomerProfile profile = profiles.find(request.customerId()).orElse(null);
        if (profile == null) {
            return suppress(request, messageId, null, "unknown customer");
        }
        if (!profile.consentsTo(request.channel().id(), request.category())) {
            return suppress(request, messageId, null, "no consent for " + request.category() + " " + request.channel().id());
        }
        Recipient recipient = channel.recipientOf(profile);
        if (!recipient.isValid()) {
            return suppress(request, messageId, recipient.address(), recipient.problem());
        }
        RenderedMessage content;
        try {
            content = render(request, profile, messageId);
        } catch (TemplateException e) {
            record(request, messageId, recipient.address(), null, Status.FAILED, e.getMessage());
            metrics.counted(request, MessageMetrics.FAILED);
            throw new MessageFailedException("message " + request.idempotencyKey() + " not sent: " + e.getMessage(), e);
        }
        rateLimits.acquire(request.channel().id());
        if (!deliveries.record(entry(request, messageId, recipient.address(), content.subject(), Status.QUEUED, null), content)) {
            return alreadyTaken(request);
        }
        String providerMessageId;
        try {
            OutboundMessage message = new OutboundMessage(messageId, request.idempotencyKey(), request.customerId(),
                    request.template(), request.category(), recipient.address(), content);
            providerMessageId = capture != null ? capture.keep(message) : metrics.timed(request.channel(), () -> channel.deliver(message));
        } catch (MessageOutcomeUnknownException noAnswer) {
            deliveries.mark(request.idempotencyKey(), Status.UNKNOWN, rootMessage(noAnswer), null);
            metrics.counted(request, MessageMetrics.UNKNOWN);
            log.warn("TP-MESSAGE-002 Message {} ({} {}) may have been sent: not sent again, needs an operator ({})", request.idempotencyKey(),
                    request.channel().id(), request.template(), withoutAddresses(noAnswer.getMessage()));
            throw noAnswer;
        } catch (RuntimeException e) {
            String reason = rootMessage(e);
            deliveries.mark(request.idempotencyKey(), Status.FAILED, reason, null);
            metrics.counted(request, MessageMetrics.FAILED);
            log.warn("TP-MESSAGE-001 Message {} ({} {}) failed: {}", request.idempotencyKey(), request.channel().id(), request.template(), withoutAddresses(reason));
            throw new MessageFailedException("message " + request.idempotencyKey() + " not sent: " + reason, e);
        }
        deliveries.mark(request.idempotencyKey(), Status.SENT, null, providerMessageId);
        metrics.counted(request, MessageMetrics.SENT);
        log.debug("Message {} ({} {}) sent", request.idempotencyKey(), request.channel().id(), request.template());
        return new Delivery(request.idempotencyKey(), Status.SENT, null, providerMessageId);
    }

    /** Renders what {@link #send} would send to the customer, without sending or logging anything. */
    public RenderedMessage preview(String template, CustomerProfile profile, String locale, Map<String, Object> variables) {
        return templates.render(template, null, profile, locale != null ? locale : profile.locale(), withLinks(variables, "preview"));
    }

    private RenderedMessage render(MessageRequest request, CustomerProfile profile, String messageId) {
        return templates.render(request.template(), request.channel(), profile, withLinks(request.variables(), messageId));
    }

    private Map<String, Object> withLinks(Map<String, Object> variables, String messageId) {
        Map<String, Object> all = new LinkedHashMap<>(variables);
        all.put("unsubscribe_url", links.unsubscribeUrl(messageId));
        return all;
    }

    private MessageChannel channel(Channel channel) {
        MessageChannel found = channels.get(channel);
        if (found == null) {
            throw new IllegalStateException("no sender for channel " + channel.id());
        }
        return found;
    }

    private Delivery suppress(MessageRequest request, String messageId, String recipient, String reason) {
        if (!record(request, messageId, recipient, null, Status.SUPPRESSED, reason)) {
            return alreadyTaken(request);
        }
        metrics.counted(request, MessageMetrics.SKIPPED);
        log.debug("Message {} ({} {}) suppressed: {}", request.idempotencyKey(), request.channel().id(), request.template(), reason);
        return new Delivery(request.idempotencyKey(), Status.SUPPRESSED, reason, null);
    }

    /** A try that found the message taken by another one meanwhile: what that one did, or that it may have sent it. */
    private Delivery alreadyTaken(MessageRequest request) {
        Entry other = deliveries.find(request.idempotencyKey()).orElseThrow();
        if (other.status().isFinal()) {
            return Delivery.of(other);
        }
        throw outcomeUnknown(other);
    }

    /**
     * A message claimed by a try that did not record its outcome: marked UNKNOWN and not sent again. The step fails
     * at once as an incident; the operator asks the provider and resolves it ({@link DeliveryLog#resolve}).
     */
    private MessageOutcomeUnknownException outcomeUnknown(Entry claimed) {
        String reason = "claimed at " + claimed.updatedAt() + " by a try that did not record whether the provider accepted it";
        deliveries.markUnknown(claimed.idempotencyKey(), reason);
        metrics.counted(claimed.channel(), claimed.category(), MessageMetrics.UNKNOWN);
        log.warn("TP-MESSAGE-003 Message {} ({} {}) may have been sent: not sent again, needs an operator", claimed.idempotencyKey(),
                claimed.channel(), claimed.template());
        return new MessageOutcomeUnknownException("message " + claimed.idempotencyKey() + " may have been sent (" + reason
                + "); not sent again: ask the provider, then resolve it as SENT or FAILED (PUT /api/console/messages/{key}/outcome) and retry");
    }

    private boolean record(MessageRequest request, String messageId, String recipient, String subject, Status status, String reason) {
        return deliveries.record(entry(request, messageId, recipient, subject, status, reason));
    }

    private static Entry entry(MessageRequest request, String messageId, String recipient, String subject, Status status, String reason) {
        return new Entry(request.idempotencyKey(), messageId, request.customerId(), request.channel().id(),
                request.template(), request.category(), recipient, subject, status, reason, null, null, null);
    }

    private static final Pattern ADDRESS = Pattern.compile("[^\\s<>\"'@,;:]+@[^\\s<>\"',;]+|\\+\\d[\\d ()-]{5,}\\d");

    /** A provider's reason as the log may keep it: e-mail addresses and phone numbers (a 550 names the recipient) masked. */
    static String withoutAddresses(String reason) {
        return reason == null ? null : ADDRESS.matcher(reason).replaceAll("<address>");
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = NestedExceptionUtils.getMostSpecificCause(failure);
        String message = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        return failure == root || failure.getMessage() == null ? message : failure.getMessage() + " (" + message + ")";
    }
}
