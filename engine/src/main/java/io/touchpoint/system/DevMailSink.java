package io.touchpoint.system;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A development SMTP server (GreenMail) the engine starts itself, so a newcomer sees the emails journeys send
 * without any mail server: {@code GET /api/dev/mailbox} lists them. On in the {@code dev} profile; GreenMail is on
 * the class path of {@code spring-boot:run} and the tests only, not in the packaged jar.
 */
@RestController
@ConditionalOnProperty(name = "touchpoint.mail.dev-sink.enabled", havingValue = "true")
@ConditionalOnClass(name = "com.icegreen.greenmail.util.GreenMail") // only on the development class path, not in the jar
public class DevMailSink implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DevMailSink.class);

    private final GreenMail smtp;

    DevMailSink(@Value("${spring.mail.host}") String host, @Value("${spring.mail.port}") int port) {
        smtp = new GreenMail(new ServerSetup(port, host, ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        log.info("Development SMTP sink listening on {}:{}; read what it received at GET /api/dev/mailbox", host, port);
    }

    @GetMapping("/api/dev/mailbox")
    public List<Map<String, Object>> mailbox() throws MessagingException {
        return Arrays.stream(smtp.getReceivedMessages()).map(DevMailSink::summary).toList();
    }

    @DeleteMapping("/api/dev/mailbox")
    public void empty() {
        smtp.reset();
    }

    private static Map<String, Object> summary(MimeMessage message) {
        try {
            Map<String, Object> mail = new LinkedHashMap<>();
            mail.put("to", Arrays.stream(message.getAllRecipients()).map(Object::toString).toList());
            mail.put("from", Arrays.stream(message.getFrom()).map(Object::toString).toList());
            mail.put("subject", message.getSubject());
            mail.put("receivedAt", message.getSentDate());
            mail.put("text", plainText(message));
            return mail;
        } catch (MessagingException e) {
            throw new IllegalStateException("cannot read a received email", e);
        }
    }

    /** The text/plain part of a (multipart) email, else its raw body. */
    private static String plainText(Part part) throws MessagingException {
        try {
            if (part.isMimeType("text/plain")) {
                return String.valueOf(part.getContent());
            }
            if (part.getContent() instanceof Multipart multipart) {
                for (int i = 0; i < multipart.getCount(); i++) {
                    String text = plainText(multipart.getBodyPart(i));
                    if (text != null) {
                        return text;
                    }
                }
            }
            return part instanceof MimeMessage message ? GreenMailUtil.getBody(message) : null;
        } catch (java.io.IOException e) {
            throw new MessagingException("cannot read the email's text", e);
        }
    }

    @Override
    public void close() {
        smtp.stop();
    }
}
