package io.touchpoint.events;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.map.IMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import io.touchpoint.profiles.ProfileService;
import io.touchpoint.profiles.ProfileUpdate;

/**
 * Accepts one validated event: records it once (by event id), updates the customer's profile and starts or
 * continues the customer's journeys, in one database transaction.
 */
@Service
public class EventIntake {

    private static final Logger log = LoggerFactory.getLogger(EventIntake.class);
    /** The MDC keys of the lines logged while an event is applied (Camunda adds processInstanceId, activityId, …). */
    public static final String MDC_EVENT_ID = "eventId";
    public static final String MDC_EVENT_TYPE = "eventType";

    /** What {@code customer_event.payload} holds: an event that takes more as stored JSON is refused with 413. */
    static final int MAX_STORED_PAYLOAD_CHARS = 1_000_000;
    private static final String INSERT =
            "insert into customer_event (event_id, customer_id, type, occurred_at, received_at, payload) values (?, ?, ?, ?, ?, ?)";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final ProfileService profiles;
    private final EventDispatch journeys;
    private final ObjectMapper json;
    private final Clock clock;
    /** The map behind the routes' idempotent repository ({@link EventIdempotency}), asked and filled a batch at a time. */
    private final IMap<String, Boolean> eventIds;

    /** Single events that arrive while another group commits: the next group takes them, up to this many. */
    private final int groupSize;
    private final GroupCommit<Ready, Outcome> groups = new GroupCommit<>();

    EventIntake(JdbcTemplate jdbc, TransactionTemplate transaction, ProfileService profiles,
                EventDispatch journeys, ObjectMapper json, Clock clock, IMap<String, Boolean> eventIdWindow,
                @org.springframework.beans.factory.annotation.Value("${touchpoint.events.batch-events-per-transaction}") int groupSize) {
        this.groupSize = groupSize;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.profiles = profiles;
        this.journeys = journeys;
        this.json = json;
        this.clock = clock;
        this.eventIds = eventIdWindow;
    }

    /** What became of an accepted event: its id, the customer it was applied to, and whether it was a repeat. */
    public record Accepted(String eventId, String customerId, boolean duplicate) {
    }

    /** What became of one event of a batch: accepted (perhaps as a repeat), or refused for a reason. */
    public record Outcome(Accepted accepted, String refusal) {
    }

    /**
     * One event, in a transaction with the single events that arrive meanwhile on other threads (a group commit):
     * a commit is the dearest part of a small event (H2 rewrites the pages it touched, PostgreSQL flushes its log),
     * so under load many threads' events share one, and alone an event commits at once. The answer comes after the
     * commit that holds the event. When the group's transaction fails as a whole, each of its events goes in again
     * on its own; identify and alias events (which may merge profiles) always do.
     */
    public Accepted accept(CustomerEvent received) {
        Ready ready = ready(received);
        if (mayMerge(ready.event())) {
            return acceptAlone(ready);
        }
        Optional<Outcome> outcome = groups.submit(ready, groupSize, this::acceptReady);
        if (outcome.isEmpty()) {
            return acceptAlone(ready);
        }
        if (outcome.get().accepted() == null) {
            throw new InvalidEventException(outcome.get().refusal());
        }
        return outcome.get().accepted();
    }

    private Accepted acceptAlone(Ready ready) {
        CustomerEvent event = ready.event();
        try {
            boolean fresh = Boolean.TRUE.equals(transaction.execute(status -> {
                if (!recordedFirstTime(ready)) {
                    status.setRollbackOnly();
                    return false;
                }
                apply(ready);
                return true;
            }));
            if (!fresh) {
                log.debug("Event {} was already processed; ignored the repeat", event.eventId());
            }
            return new Accepted(event.eventId(), event.customerId(), !fresh);
        } catch (ProfileUpdate.InvalidProfileUpdateException refused) {
            throw new InvalidEventException(refused.getMessage());
        }
    }

    /**
     * Validated events, in their order, in one transaction: one commit for all of them instead of one each. An
     * event refused by the profile (an attribute of the wrong type) is reported and changes nothing. Empty when the
     * transaction failed as a whole (an event id taken by another node meanwhile, a journey that failed to start):
     * nothing of it was committed, and the caller takes the events one by one, each in a transaction of its own.
     * The ids of the events that went in are remembered in the idempotency window only after the commit. Not for
     * events that {@link #mayMerge may merge} profiles.
     */
    public Optional<List<Outcome>> acceptTogether(List<CustomerEvent> received) {
        return together(received, received.stream().map(CustomerEvent::eventId), this::ready, "A batch");
    }

    /** Single events already made ready, in one transaction: {@link #accept}'s group commit. */
    private Optional<List<Outcome>> acceptReady(List<Ready> received) {
        return together(received, received.stream().map(ready -> ready.event().eventId()), ready -> ready, "A group of single");
    }

    /**
     * Events in one transaction, in their order, each made {@link Ready} in turn (an earlier event may own the
     * identity a later one names): one outcome each, in their order; empty when the transaction failed as a whole.
     */
    private <T> Optional<List<Outcome>> together(List<T> received, java.util.stream.Stream<String> givenIds,
                                                 java.util.function.Function<T, Ready> readied, String what) {
        List<Outcome> outcomes = new ArrayList<>();
        try {
            transaction.executeWithoutResult(status -> {
                Set<String> seen = seen(givenIds.filter(id -> id != null && !id.isBlank()).toList());
                Deque<T> left = new ArrayDeque<>(received);
                List<Ready> recorded = new ArrayList<>();
                while (!left.isEmpty()) {
                    journeys.together(() -> takeOneCommandsWorth(left, readied, seen, recorded, outcomes));
                }
                recordAll(recorded);
            });
        } catch (RuntimeException failed) {
            log.warn("TP-EVENT-001 {} of {} events could not go in as one transaction ({}); taking them one by one", what, received.size(), failed.toString());
            return Optional.empty();
        }
        Map<String, Boolean> taken = new HashMap<>();
        outcomes.stream().filter(outcome -> outcome.accepted() != null && !outcome.accepted().duplicate())
                .forEach(outcome -> taken.put(outcome.accepted().eventId(), Boolean.FALSE)); // as the repository's add() stores it
        eventIds.putAll(taken);
        return Optional.of(outcomes);
    }

    /**
     * Takes events off the front of {@code left} while each is of a customer not met before in this call: the
     * journeys of one command are written at its end, and a customer's next event must see what the last one did.
     * The events to record are added to {@code recorded}: the transaction records them all in one batch before it
     * commits (one round trip to the database, not one each); an id another node recorded meanwhile fails it then,
     * and what it changed is taken back.
     */
    private <T> void takeOneCommandsWorth(Deque<T> left, java.util.function.Function<T, Ready> readied, Set<String> seen,
                                          List<Ready> recorded, List<Outcome> outcomes) {
        Set<String> customers = new HashSet<>();
        while (!left.isEmpty()) {
            Ready ready;
            try {
                ready = readied.apply(left.peekFirst()); // in order: an earlier event of the batch may own the identity this one names
            } catch (InvalidEventException | PayloadTooLargeException refused) {
                left.removeFirst();
                outcomes.add(new Outcome(null, refused.getMessage()));
                continue;
            }
            CustomerEvent event = ready.event();
            if (!customers.add(event.customerId())) {
                return; // the next command takes it (and settles its ids again, as they were)
            }
            left.removeFirst();
            if (!seen.add(event.eventId())) {
                outcomes.add(new Outcome(new Accepted(event.eventId(), event.customerId(), true), null));
                continue;
            }
            try {
                apply(ready);
            } catch (ProfileUpdate.InvalidProfileUpdateException refused) {
                seen.remove(event.eventId());
                outcomes.add(new Outcome(null, refused.getMessage()));
                continue;
            }
            recorded.add(ready);
            outcomes.add(new Outcome(new Accepted(event.eventId(), event.customerId(), false), null));
        }
    }

    /**
     * Whether an event may merge profiles ({@code identify}, {@code alias}). A merge locks the customers and writes
     * their rows in the intake's transaction, so it must not wait in a long one: such an event goes in on its own.
     */
    public static boolean mayMerge(CustomerEvent event) {
        return ProfileUpdate.IDENTIFY.equals(event.type()) || ProfileUpdate.ALIAS.equals(event.type());
    }

    /** An event with its ids settled (the given or a new event id; the customer it resolves to), its profile update and its stored JSON. */
    private record Ready(CustomerEvent event, ProfileUpdate update, String payload) {
    }

    private Ready ready(CustomerEvent received) {
        ProfileUpdate update = profileUpdateOf(received);
        String eventId = received.eventId() != null && !received.eventId().isBlank() ? received.eventId() : UUID.randomUUID().toString();
        String customerId = profiles.resolveCustomerId(received.customerId(), received.identities());
        CustomerEvent event = received.withIds(eventId, customerId, received.occurredAt() != null ? received.occurredAt() : update.at());
        String payload = toJson(event);
        if (payload.length() > MAX_STORED_PAYLOAD_CHARS) {
            throw new PayloadTooLargeException("the event takes more than " + MAX_STORED_PAYLOAD_CHARS + " characters as stored JSON");
        }
        return new Ready(event, update, payload);
    }

    /** Applies the event to the profile and the journeys; what is logged meanwhile carries its id and type (MDC). */
    private void apply(Ready ready) {
        CustomerEvent event = ready.event();
        try (MDC.MDCCloseable id = MDC.putCloseable(MDC_EVENT_ID, event.eventId());
             MDC.MDCCloseable type = MDC.putCloseable(MDC_EVENT_TYPE, event.type())) {
            profiles.apply(event.customerId(), ready.update().forEvent(event.eventId(), event.type(), event.occurredAt()));
            journeys.dispatch(event);
        }
    }

    /** The ids among these seen before: in the idempotency window (as the routes' idempotent consumer asks it), or recorded. */
    private Set<String> seen(List<String> ids) {
        if (ids.isEmpty()) {
            return new HashSet<>();
        }
        Set<String> seen = new HashSet<>(eventIds.getAll(new HashSet<>(ids)).keySet());
        String marks = String.join(", ", Collections.nCopies(ids.size(), "?"));
        seen.addAll(jdbc.queryForList("select event_id from customer_event where event_id in (" + marks + ")", String.class, ids.toArray()));
        return seen;
    }

    /** Records the event; false, having changed nothing, when its id was recorded before (the primary key says so). */
    private boolean recordedFirstTime(Ready ready) {
        try {
            record(ready);
            return true;
        } catch (DuplicateKeyException repeat) {
            return false;
        }
    }

    private void recordAll(List<Ready> ready) {
        jdbc.batchUpdate(INSERT, ready.stream().map(one -> new Object[] {one.event().eventId(), one.event().customerId(), one.event().type(),
                Timestamp.from(one.event().occurredAt()), Timestamp.from(one.update().at()), one.payload()}).toList());
    }

    private void record(Ready ready) {
        CustomerEvent event = ready.event();
        jdbc.update(INSERT, event.eventId(), event.customerId(), event.type(), Timestamp.from(event.occurredAt()),
                Timestamp.from(ready.update().at()), ready.payload());
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
