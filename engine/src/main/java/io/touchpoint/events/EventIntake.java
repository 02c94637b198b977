package io.touchpoint.events;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.map.IMap;
import org.postgresql.PGStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.ArgumentPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementCreator;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.event.TransactionalEventListener;
import org.springframework.transaction.support.TransactionTemplate;

import io.touchpoint.profiles.ProfileService;
import io.touchpoint.profiles.ProfileUpdate;
import io.touchpoint.profiles.SegmentMoves;

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
    /** The map behind the routes' idempotent repository ({@link EventIdempotency}), filled a batch at a time after the commit. */
    private final IMap<String, Boolean> eventIds;
    /** A transaction of its own, even when called as another commits (the segment events of a change outside an event). */
    private final TransactionTemplate ownTransaction;
    /** The segment member list, kept in step with the segment events recorded here (same transaction). */
    private final SegmentMembers members;

    EventIntake(JdbcTemplate jdbc, TransactionTemplate transaction, ProfileService profiles,
                EventDispatch journeys, ObjectMapper json, Clock clock, IMap<String, Boolean> eventIdWindow,
                PlatformTransactionManager transactions, SegmentMembers members) {
        this.members = members;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
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
     * One event in a transaction of its own; identify and alias events may merge profiles first. The segment events
     * it causes go in in the same transaction.
     */
    public Accepted accept(CustomerEvent received) {
        Ready ready = ready(received);
        CustomerEvent event = ready.event();
        try {
            boolean fresh = Boolean.TRUE.equals(transaction.execute(status -> {
                if (!recordedFirstTime(ready)) {
                    status.setRollbackOnly();
                    return false;
                }
                Deque<CustomerEvent> following = new ArrayDeque<>(apply(ready));
                while (!following.isEmpty()) { // segments entered and left, in the same transaction
                    Ready next = ready(following.removeFirst());
                    record(next);
                    List<CustomerEvent> more = apply(next);
                    for (int i = more.size() - 1; i >= 0; i--) {
                        following.addFirst(more.get(i));
                    }
                }
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
        return acceptTogether(received, event -> { });
    }

    /**
     * {@link #acceptTogether(List)}, telling {@code beforeEach} each event just before it is taken in (a journey
     * replay moves its virtual clock to the moment the event occurred).
     */
    public Optional<List<Outcome>> acceptTogether(List<CustomerEvent> received, java.util.function.Consumer<CustomerEvent> beforeEach) {
        return together(received.stream().<Supplier<Ready>>map(event -> () -> {
            beforeEach.accept(event);
            return ready(event);
        }).toList(), received.stream().map(CustomerEvent::eventId), "A batch");
    }

    /**
     * Events in one transaction, in their order, each made {@link Ready} when its turn comes (an earlier event may
     * own the identity a later one names): one outcome each, in their order; empty when the transaction failed as a
     * whole.
     */
    private Optional<List<Outcome>> together(List<Supplier<Ready>> received, java.util.stream.Stream<String> givenIds, String what) {
        List<Outcome> outcomes = new ArrayList<>();
        try {
            transaction.executeWithoutResult(status -> {
                Set<String> seen = seen(givenIds.filter(id -> id != null && !id.isBlank()).toList());
                Deque<Supplier<Ready>> left = new ArrayDeque<>(received);
                Set<Supplier<Ready>> following = Collections.newSetFromMap(new IdentityHashMap<>());
                List<Ready> recorded = new ArrayList<>();
                while (!left.isEmpty()) {
                    journeys.together(() -> takeOneCommandsWorth(left, following, seen, recorded, outcomes));
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
     * The segment events an event causes go to the front of {@code left} (so before the customer's next event),
     * marked as {@code following}: they have no outcome of their own. The events to record are added to
     * {@code recorded}: the transaction records them all in one batch before it commits (one round trip to the
     * database, not one each); an id another node recorded meanwhile fails it then, and what it changed is taken back.
     */
    private void takeOneCommandsWorth(Deque<Supplier<Ready>> left, Set<Supplier<Ready>> following, Set<String> seen,
                                      List<Ready> recorded, List<Outcome> outcomes) {
        Set<String> customers = new HashSet<>();
        while (!left.isEmpty()) {
            boolean caused = following.contains(left.peekFirst());
            Ready ready;
            try {
                ready = left.peekFirst().get(); // in order: an earlier event of the batch may own the identity this one names
            } catch (InvalidEventException | PayloadTooLargeException refused) {
                following.remove(left.removeFirst());
                if (!caused) {
                    outcomes.add(new Outcome(null, refused.getMessage()));
                }
                continue;
            }
            CustomerEvent event = ready.event();
            if (!customers.add(event.customerId())) {
                return; // the next command takes it (and settles its ids again, as they were)
            }
            following.remove(left.removeFirst());
            if (!seen.add(event.eventId())) {
                if (!caused) {
                    outcomes.add(new Outcome(new Accepted(event.eventId(), event.customerId(), true), null));
                }
                continue;
            }
            List<CustomerEvent> more;
            try {
                more = apply(ready);
            } catch (ProfileUpdate.InvalidProfileUpdateException refused) {
                seen.remove(event.eventId());
                if (!caused) {
                    outcomes.add(new Outcome(null, refused.getMessage()));
                }
                continue;
            }
            recorded.add(ready);
            for (int i = more.size() - 1; i >= 0; i--) {
                CustomerEvent next = more.get(i);
                Supplier<Ready> item = () -> ready(next);
                left.addFirst(item);
                following.add(item);
            }
            if (!caused) {
                outcomes.add(new Outcome(new Accepted(event.eventId(), event.customerId(), false), null));
            }
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

    /**
     * Applies the event to the profile and the journeys; what is logged meanwhile carries its id and type (MDC).
     * Answers the events it causes: the segments the customer entered and left, to be taken in after it.
     */
    private List<CustomerEvent> apply(Ready ready) {
        CustomerEvent event = ready.event();
        try (MDC.MDCCloseable id = MDC.putCloseable(MDC_EVENT_ID, event.eventId());
             MDC.MDCCloseable type = MDC.putCloseable(MDC_EVENT_TYPE, event.type())) {
            SegmentMoves moves = profiles.apply(event.customerId(), ready.update().forEvent(event.eventId(), event.type(), event.occurredAt()));
            journeys.dispatch(event);
            return segmentEvents(moves, event.eventId());
        }
    }

    /**
     * Takes in the segment events of a profile change made outside an event (an operator's edit, a re-check when
     * time moved on, a journey's profile update): once that change's transaction has committed, each in one of its own.
     */
    @TransactionalEventListener(fallbackExecution = true)
    void segmentsMoved(SegmentMoves moves) {
        for (CustomerEvent event : segmentEvents(moves, null)) {
            try {
                ownTransaction.executeWithoutResult(status -> accept(event));
            } catch (RuntimeException e) {
                log.error("TP-EVENT-002 The {} event of segment {} could not be taken in; the membership stands in the profile", event.type(),
                        event.properties().get(SegmentMoves.SEGMENT_ID), e);
            }
        }
    }

    /**
     * {@code segment_entered} and {@code segment_exited} events (property {@code segmentId}) for what moved. Their ids
     * follow from the event that caused them, or from the customer, segment and moment: a repeat is taken in once.
     */
    static List<CustomerEvent> segmentEvents(SegmentMoves moves, String causeId) {
        List<CustomerEvent> events = new ArrayList<>();
        moves.exited().forEach((segment, at) -> events.add(segmentEvent(SegmentMoves.EXITED, moves.customerId(), segment, at, causeId)));
        moves.entered().forEach((segment, at) -> events.add(segmentEvent(SegmentMoves.ENTERED, moves.customerId(), segment, at, causeId)));
        return events;
    }

    private static CustomerEvent segmentEvent(String type, String customerId, String segmentId, java.time.Instant at, String causeId) {
        String identity = type + "\n" + segmentId + "\n" + (causeId != null ? causeId : customerId + "\n" + at.toEpochMilli());
        String eventId = "seg-" + UUID.nameUUIDFromBytes(identity.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new CustomerEvent(eventId, type, customerId, Map.of(), at, Map.of(SegmentMoves.SEGMENT_ID, segmentId));
    }

    /**
     * The ids among these recorded before: one query by the primary key. The idempotency window is not asked: an id
     * there is recorded already (the intake puts ids there after its commit) or being taken in by a route right now,
     * which fails this transaction at its commit (the primary key), and the events are then taken one by one. Asking
     * it cost more than it saved: Hazelcast's {@code getAll} hashes every id once for each partition (with 500 ids and
     * 271 partitions, 10 % of the engine on events that start nothing).
     */
    private Set<String> seen(List<String> ids) {
        if (ids.isEmpty()) {
            return new HashSet<>();
        }
        String marks = String.join(", ", Collections.nCopies(ids.size(), "?"));
        return new HashSet<>(jdbc.query(plannedEachTime("select event_id from customer_event where event_id in (" + marks + ")", ids.toArray()),
                (row, n) -> row.getString(1)));
    }

    /**
     * A query planned with its values each time it runs. On PostgreSQL the driver otherwise makes a statement run
     * five times a prepared statement of the server, which may then keep one plan made without the values for as
     * long as the connection lives: for {@link #seen}, planned while {@code customer_event} was nearly empty, that
     * was a scan of the whole table, 50–100 ms a batch once it held 25,000 events (90 % of the database's time on
     * events that start nothing). H2 plans it by its index either way.
     */
    private static PreparedStatementCreator plannedEachTime(String sql, Object[] values) {
        return connection -> {
            PreparedStatement statement = connection.prepareStatement(sql);
            if (statement.isWrapperFor(PGStatement.class)) {
                statement.unwrap(PGStatement.class).setPrepareThreshold(0);
            }
            new ArgumentPreparedStatementSetter(values).setValues(statement);
            return statement;
        };
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
        members.follow(ready.stream().map(Ready::event).toList());
    }

    private void record(Ready ready) {
        CustomerEvent event = ready.event();
        jdbc.update(INSERT, event.eventId(), event.customerId(), event.type(), Timestamp.from(event.occurredAt()),
                Timestamp.from(ready.update().at()), ready.payload());
        members.follow(List.of(event));
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
