package io.touchpoint.channels;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.mail.MailException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Service;

import io.touchpoint.channels.DeliveryLog.Status;

/**
 * Sends email through Jakarta Mail, once per idempotency key. A failure is logged in the delivery log and
 * thrown, so the journey step is retried by the engine and becomes an incident after the last try.
 */
@Service
public class EmailChannel {

    private static final Logger log = LoggerFactory.getLogger(EmailChannel.class);

    private final JavaMailSender mail;
    private final DeliveryLog deliveries;
    private final String from;

    EmailChannel(JavaMailSender mail, DeliveryLog deliveries, @Value("${touchpoint.mail.from}") String from) {
        this.mail = mail;
        this.deliveries = deliveries;
        this.from = from;
    }

    public Status send(OutgoingEmail email) {
        Status before = deliveries.status(email.idempotencyKey()).orElse(null);
        if (before == Status.SENT || before == Status.SUPPRESSED) {
            log.info("Email {} was already {}; not sent again", email.idempotencyKey(), before);
            return before;
        }
        Status outcome = email.to() == null ? Status.SUPPRESSED : Status.QUEUED;
        deliveries.queue(new DeliveryLog.Entry(email.idempotencyKey(), email.customerId(), "email", email.template(),
                email.to(), email.subject(), outcome, email.to() == null ? "no email address" : null));
        if (outcome == Status.SUPPRESSED) {
            log.info("Email {} to customer {} suppressed: no email address", email.idempotencyKey(), email.customerId());
            return outcome;
        }
        try {
            mail.send(message(email));
        } catch (MailException failure) {
            deliveries.mark(email.idempotencyKey(), Status.FAILED, failure.getMessage());
            throw failure;
        }
        deliveries.mark(email.idempotencyKey(), Status.SENT, null);
        log.info("Email {} ({}) sent to customer {}", email.idempotencyKey(), email.template(), email.customerId());
        return Status.SENT;
    }

    private SimpleMailMessage message(OutgoingEmail email) {
        SimpleMailMessage message = new SimpleMailMessage();
        message.setFrom(from);
        message.setTo(email.to());
        message.setSubject(email.subject());
        message.setText(email.text());
        return message;
    }
}
