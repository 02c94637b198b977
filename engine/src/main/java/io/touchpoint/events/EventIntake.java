package io.touchpoint.events;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import io.touchpoint.journeys.JourneyDispatcher;
import io.touchpoint.profiles.ProfileService;
import io.touchpoint.profiles.ProfileUpdate;

/**
 * Accepts one validated event: records it once (by event id), updates the customer's profile and starts or
 * continues the customer's journeys, in one database transaction.
 */
@Service
public class EventIntake {

    private static final Logger log = LoggerFactory.getLogger(EventIntake.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final ProfileService profiles;
    private final JourneyDispatcher journeys;
    private final ObjectMapper json;
    private final Clock clock;

    EventIntake(JdbcTemplate jdbc, TransactionTemplate transaction, ProfileService profiles,
                JourneyDispatcher journeys, ObjectMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.profiles = profiles;
        this.journeys = journeys;
        this.json = json;
        this.clock = clock;
    }

    /** What became of an accepted event: its id, the customer it was applied to, and whether it was a repeat. */
    public record Accepted(String eventId, String customerId, boolean duplicate) {
    }

    public Accepted accept(CustomerEvent received) {
        ProfileUpdate update = profileUpdateOf(received);
        String eventId = received.eventId() != null && !received.eventId().isBlank() ? received.eventId() : UUID.randomUUID().toString();
        String customerId = profiles.resolveCustomerId(received.customerId(), received.identities());
        CustomerEvent event = received.withIds(eventId, customerId, received.occurredAt() != null ? received.occurredAt() : update.at());
        try {
            boolean fresh = Boolean.TRUE.equals(transaction.execute(status -> {
                if (!recordedFirstTime(event, update.at())) {
                    status.setRollbackOnly();
                    return false;
                }
                profiles.apply(customerId, update.forEvent(eventId, event.type(), event.occurredAt()));
                journeys.dispatch(event);
                return true;
            }));
            if (!fresh) {
                log.info("Event {} was already processed; ignored the repeat", eventId);
            }
            return new Accepted(eventId, customerId, !fresh);
        } catch (ProfileUpdate.InvalidProfileUpdateException refused) {
            throw new InvalidEventException(refused.getMessage());
        }
    }

    /** Records the event; false, having changed nothing, when its id was recorded before (the primary key says so). */
    private boolean recordedFirstTime(CustomerEvent event, Instant receivedAt) {
        try {
            record(event, receivedAt);
            return true;
        } catch (DuplicateKeyException repeat) {
            return false;
        }
    }

    private void record(CustomerEvent event, Instant receivedAt) {
        jdbc.update("insert into customer_event (event_id, customer_id, type, occurred_at, received_at, payload) values (?, ?, ?, ?, ?, ?)",
                event.eventId(), event.customerId(), event.type(), Timestamp.from(event.occurredAt()),
                Timestamp.from(receivedAt), toJson(event));
    }

    private ProfileUpdate profileUpdateOf(CustomerEvent event) {
        try {
            return ProfileUpdate.of(event.identities(), event.properties(), clock.instant());
        } catch (ProfileUpdate.InvalidProfileUpdateException e) {
            throw new InvalidEventException(e.getMessage());
        }
    }

    private String toJson(CustomerEvent event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("event cannot be stored as JSON: " + e.getOriginalMessage());
        }
    }
}
