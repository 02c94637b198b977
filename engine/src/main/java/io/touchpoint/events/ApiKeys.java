package io.touchpoint.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/**
 * The API keys of the systems that send events (table {@code event_source_key}, SHA-256 hashes only). Keys are
 * added and revoked while the engine runs: this node sees a change at once, other nodes within {@code refresh}.
 */
@Service
public class ApiKeys {

    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new key: the only moment its clear text is known. */
    public record Issued(String id, String source, String key) {
    }

    /** A key as an administrator lists it (no secret). */
    public record Listed(String id, String source, Instant createdAt, Instant revokedAt) {
    }

    private record Cache(Map<String, String> sourceByHash, Instant loadedAt) {
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Duration refresh;
    private volatile Cache cache;

    ApiKeys(JdbcTemplate jdbc, Clock clock, @Value("${touchpoint.events.api-keys.refresh}") Duration refresh) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.refresh = refresh;
    }

    public Issued issue(String source) {
        if (source == null || source.isBlank() || source.length() > 200) {
            throw new InvalidEventException("field 'source' is required (the name of the sending system, at most 200 characters)");
        }
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key = "tpk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        String id = UUID.randomUUID().toString();
        jdbc.update("insert into event_source_key (id, source, key_hash, created_at) values (?, ?, ?, ?)",
                id, source.trim(), hash(key), Timestamp.from(clock.instant()));
        cache = null;
        log.info("API key {} issued for event source {}", id, source.trim());
        return new Issued(id, source.trim(), key);
    }

    /** Revokes a key; false when there is no such active key. */
    public boolean revoke(String id) {
        int changed = jdbc.update("update event_source_key set revoked_at = ? where id = ? and revoked_at is null",
                Timestamp.from(clock.instant()), id);
        cache = null;
        if (changed > 0) {
            log.info("API key {} revoked", id);
        }
        return changed > 0;
    }

    public List<Listed> list() {
        return jdbc.query("select id, source, created_at, revoked_at from event_source_key order by created_at",
                (row, n) -> new Listed(row.getString(1), row.getString(2), row.getTimestamp(3).toInstant(),
                        row.getTimestamp(4) == null ? null : row.getTimestamp(4).toInstant()));
    }

    /** The source system a presented key belongs to, if the key is known and not revoked. */
    public Optional<String> sourceOf(String presentedKey) {
        if (presentedKey == null || presentedKey.isBlank()) {
            return Optional.empty();
        }
        return Optional.ofNullable(current().sourceByHash().get(hash(presentedKey.trim())));
    }

    private Cache current() {
        Cache known = cache;
        if (known == null || known.loadedAt().plus(refresh).isBefore(clock.instant())) {
            Map<String, String> active = jdbc.query("select key_hash, source from event_source_key where revoked_at is null",
                    (row, n) -> Map.entry(row.getString(1), row.getString(2))).stream()
                    .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
            known = new Cache(active, clock.instant());
            cache = known;
        }
        return known;
    }

    /** The SHA-256 of a text's UTF-8 bytes, in hex: how keys are stored, and the id of a broker event without one. */
    static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
