package io.touchpoint.channels;

import java.util.Date;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.mail.MailPreparationException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.stereotype.Component;

import io.touchpoint.profiles.CustomerProfile;

/**
 * Email through Jakarta Mail: multipart HTML + plain text, the preheader as the HTML's hidden first line, tracked
 * links and an open pixel, and for marketing email the RFC 8058 one-click {@code List-Unsubscribe} headers.
 * Each sending thread keeps its SMTP connection open between messages (a dropped one is reopened once).
 */
@Component
public class EmailChannel implements MessageChannel {

    static {
        // Jakarta Mail finds its stream provider anew for every multipart and body part it writes, through the
        // ServiceLoader unless this property names it (jakartaee/mail-api#699, #861): a scan of the class path's
        // service files each time, a tenth of a send job's time at 100 emails/s
        System.getProperties().putIfAbsent("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
    }

    private final JavaMailSenderImpl mail;
    private final EngagementLinks links;
    private final String from;
    private final ThreadLocal<Connection> connection = new ThreadLocal<>();

    EmailChannel(JavaMailSenderImpl mail, EngagementLinks links, @Value("${touchpoint.mail.from}") String from) {
        this.mail = mail;
        this.links = links;
        this.from = from;
    }

    @Override
    public Channel channel() {
        return Channel.EMAIL;
    }

    @Override
    public Recipient recipientOf(CustomerProfile profile) {
        String address = profile.email();
        if (address == null || address.isBlank()) {
            return Recipient.invalid(null, "no email address");
        }
        try {
            InternetAddress parsed = new InternetAddress(address, true);
            if (parsed.getPersonal() != null || !parsed.getAddress().matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
                return Recipient.invalid(address, "invalid email address");
            }
            return Recipient.valid(parsed.getAddress());
        } catch (AddressException e) {
            return Recipient.invalid(address, "invalid email address: " + e.getMessage());
        }
    }

    @Override
    public String deliver(OutboundMessage message) {
        MimeMessage mime = compose(message);
        try {
            mime.setSentDate(new Date());
            mime.saveChanges();
            transmit(mime);
            return mime.getMessageID();
        } catch (MessagingException e) {
            throw new MailSendException("SMTP refused email " + message.idempotencyKey() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sends on the thread's open connection when the server still answers (NOOP), else on a new one. Sent once: a
     * failure after the message was handed over (no answer to its data, a dropped connection) is not resent here,
     * since the server may have it; it is thrown as {@link MessageOutcomeUnknownException}. A refusal by the server
     * (an error reply) or a failed connect means it was not sent.
     */
    private void transmit(MimeMessage mime) throws MessagingException {
        Connection open = connection.get();
        if (open != null && (!open.isTo(mail.getHost(), mail.getPort()) || !open.transport().isConnected())) {
            close(open.transport());
            open = null;
        }
        if (open == null) {
            Transport fresh = mail.getSession().getTransport(mail.getProtocol() != null ? mail.getProtocol() : "smtp");
            fresh.connect(mail.getHost(), mail.getPort(), blankToNull(mail.getUsername()), blankToNull(mail.getPassword()));
            open = new Connection(fresh, mail.getHost(), mail.getPort());
            connection.set(open);
        }
        try {
            open.transport().sendMessage(mime, mime.getAllRecipients());
        } catch (SendFailedException refused) {
            throw refused; // the server answered with an error: not sent
        } catch (MessagingException noAnswer) {
            close(open.transport());
            throw new MessageOutcomeUnknownException("SMTP gave no answer to email " + mime.getMessageID() + " after it was handed over ("
                    + noAnswer.getMessage() + "): it may have been sent", noAnswer);
        }
    }

    /** A thread's open SMTP connection and the server it goes to: a changed server setting opens a new one. */
    private record Connection(Transport transport, String host, int port) {
        boolean isTo(String currentHost, int currentPort) {
            return port == currentPort && java.util.Objects.equals(host, currentHost);
        }
    }

    private void close(Transport transport) {
        connection.remove();
        try {
            transport.close();
        } catch (MessagingException alreadyGone) {
            // the connection is dropped either way
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    MimeMessage compose(OutboundMessage message) {
        RenderedMessage content = message.content();
        MimeMessage mime = mail.createMimeMessage();
        try {
            MimeMessageHelper helper = new MimeMessageHelper(mime, MimeMessageHelper.MULTIPART_MODE_MIXED_RELATED, "UTF-8");
            helper.setFrom(from);
            helper.setTo(message.recipient());
            helper.setSubject(content.subject());
            helper.setText(content.text(), links.tracked(content.html(), message.messageId(), content.preheader()));
            if (CustomerProfile.MARKETING.equals(message.category())) {
                mime.setHeader("List-Unsubscribe", "<" + links.unsubscribeUrl(message.messageId()) + ">");
                mime.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            }
            mime.setHeader("X-Touchpoint-Message-Id", message.messageId());
            return mime;
        } catch (MessagingException e) {
            throw new MailPreparationException("cannot build email " + message.idempotencyKey(), e);
        }
    }
}
