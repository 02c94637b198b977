package io.touchpoint.channels;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Signs and checks the tokens in unsubscribe and tracking links (HMAC-SHA256). The secret comes from
 * {@code TOUCHPOINT_SIGNING_SECRET}; without it one is generated at first start and kept in the database, so every
 * node and every restart signs alike.
 */
@Component
public class LinkSigner {

    private static final Logger log = LoggerFactory.getLogger(LinkSigner.class);
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    private static final String SECRET_NAME = "link-signing";

    private final SecretKeySpec key;

    LinkSigner(@Value("${touchpoint.channels.signing-secret:}") String configured, JdbcTemplate jdbc, Clock clock) {
        String secret = configured != null && !configured.isBlank() ? configured : storedSecret(jdbc, clock);
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** A link that cannot be trusted: altered, truncated or signed with another secret. */
    public static class TamperedLinkException extends RuntimeException {
        TamperedLinkException(String message) {
            super(message);
        }
    }

    /** {@code base64url(payload).base64url(hmac)}: safe in a URL path. */
    public String sign(String payload) {
        byte[] data = payload.getBytes(StandardCharsets.UTF_8);
        return BASE64.encodeToString(data) + "." + BASE64.encodeToString(mac(data));
    }

    /** The payload of a token this secret signed; anything else throws {@link TamperedLinkException}. */
    public String verify(String token) {
        int dot = token == null ? -1 : token.indexOf('.');
        if (dot <= 0) {
            throw new TamperedLinkException("the link is malformed");
        }
        try {
            byte[] data = Base64.getUrlDecoder().decode(token.substring(0, dot));
            byte[] signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
            if (!MessageDigest.isEqual(signature, mac(data))) {
                throw new TamperedLinkException("the link's signature does not match");
            }
            return new String(data, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new TamperedLinkException("the link is malformed");
        }
    }

    private byte[] mac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static String storedSecret(JdbcTemplate jdbc, Clock clock) {
        List<String> stored = jdbc.queryForList("select secret from channel_secret where name = ?", String.class, SECRET_NAME);
        if (!stored.isEmpty()) {
            return stored.get(0);
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        try {
            jdbc.update("insert into channel_secret (name, secret, created_at) values (?, ?, ?)",
                    SECRET_NAME, BASE64.encodeToString(random), Timestamp.from(clock.instant()));
            log.info("No TOUCHPOINT_SIGNING_SECRET set: generated a link-signing secret and stored it in the database");
        } catch (DuplicateKeyException anotherNodeWasFirst) {
            log.debug("Another node stored the link-signing secret first");
        }
        return jdbc.queryForObject("select secret from channel_secret where name = ?", String.class, SECRET_NAME);
    }
}
