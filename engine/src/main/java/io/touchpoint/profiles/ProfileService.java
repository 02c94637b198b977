package io.touchpoint.profiles;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.touchpoint.profiles.ProfileUpdate.InvalidProfileUpdateException;

/**
 * Reads and updates customer profiles: the Hazelcast map in front, the database behind it. Resolves which
 * customer an event belongs to, merges profiles that turn out to be one person, and erases a customer.
 */
@Service
public class ProfileService {

    private static final Logger log = LoggerFactory.getLogger(ProfileService.class);

    public static final String MAP_NAME = "profiles";
    /** How long a merge or an erasure may hold its customers' entries before Hazelcast frees them anyway. */
    private static final long LOCK_LEASE_SECONDS = 60;
    /** How often a merge is tried again when other events merged its customers between lookup and lock. */
    private static final int MERGE_ATTEMPTS = 3;

    private final HazelcastInstance hazelcast;
    private final IMap<String, CustomerProfile> profiles;
    /** The key of this service's {@link Applied} list among the current transaction's resources. */
    private final Object appliedInTransaction = new Object();
    private final ProfileStore store;
    private final MergedCustomers merges;
    private final CustomerRows rows;
    private final CustomerRuns journeys;
    private final AttributeTypes types;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final int historyLimit;
    private final ProfileMetrics metrics;
    private final ApplicationEventPublisher published;

    ProfileService(HazelcastInstance hazelcast, ProfileStore store, MergedCustomers merges, CustomerRows rows,
                   CustomerRuns journeys, AttributeTypes types, PlatformTransactionManager transactions, Clock clock,
                   @Value("${touchpoint.profiles.recent-events:20}") int historyLimit, ProfileMetrics metrics,
                   ApplicationEventPublisher published) {
        this.published = published;
        this.hazelcast = hazelcast;
        this.profiles = hazelcast.getMap(MAP_NAME);
        this.store = store;
        this.merges = merges;
        this.rows = rows;
        this.journeys = journeys;
        this.types = types;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
        this.historyLimit = historyLimit;
        this.metrics = metrics;
    }

    /** A customer's profile; a merged-away id finds the profile it was merged into. */
    public Optional<CustomerProfile> find(String customerId) {
        return Optional.ofNullable(profiles.get(merges.current(customerId)));
    }

    /**
     * The time zones (IANA ids) of these customers; a customer without one, or unknown, is left out. Read where each
     * profile is kept, only the zone coming back: no profile is copied.
     */
    public Map<String, String> timeZones(java.util.Collection<String> customerIds) {
        Map<String, String> zones = new java.util.HashMap<>();
        profiles.executeOnKeys(new java.util.HashSet<>(customerIds), new TimeZoneOf()).forEach((customerId, zone) -> {
            if (zone != null && !zone.isBlank()) {
                zones.put(customerId, zone);
            }
        });
        return zones;
    }

    /** Reads a profile's time zone where the profile is kept, changing nothing. */
    static final class TimeZoneOf implements com.hazelcast.map.EntryProcessor<String, CustomerProfile, String>, com.hazelcast.core.ReadOnly {
        @Override
        public String process(Map.Entry<String, CustomerProfile> entry) {
            return entry.getValue() == null ? null : entry.getValue().timeZone();
        }

        @Override
        public com.hazelcast.map.EntryProcessor<String, CustomerProfile, String> getBackupProcessor() {
            return null;
        }
    }

    /** The profile of the customer who owns an identity ("email", "phone", "anonymousId", ...). */
    public Optional<CustomerProfile> findByIdentity(String kind, String value) {
        String normalized = ProfileUpdate.normalized(Map.of(kind, value)).get(kind);
        return normalized == null ? Optional.empty() : store.ownerOf(kind, normalized).flatMap(this::find);
    }

    /**
     * Applies an update atomically; concurrent updates of one customer are applied one after the other. An
     * {@code identify} or {@code alias} update whose identities (or previousId) belong to other customers merges
     * them into this one first. Throws {@link InvalidProfileUpdateException} for an attribute of the wrong type or
     * an alias of a customer to itself, having changed nothing. Answers the segments the customer entered and left
     * when the update is an event (the intake turns them into events in its transaction); for an update that is no
     * event (a journey's profile update) and for a merge they are published as {@link SegmentMoves} (taken in after
     * the commit) and the answer is empty.
     */
    public SegmentMoves apply(String customerId, ProfileUpdate update) {
        String current = merges.current(customerId);
        ProfileUpdate checked = update.withTraits(types.check(update.traits(), "properties.traits."));
        for (int attempt = 1; checked.links(); attempt++) {
            List<String> others = customersLinkedBy(current, checked);
            if (others.isEmpty()) {
                break;
            }
            SegmentMoves merged = merge(current, others, checked);
            if (merged != null) {
                metrics.updated(ProfileMetrics.MERGE);
                return moved(merged, false); // after the commit: until then the survivor's row is held and its cached entry old
            }
            if (attempt == MERGE_ATTEMPTS) {
                throw new ConcurrencyFailureException("customer " + current + " kept being merged by other events; retry the event");
            }
            current = merges.current(customerId); // another event merged one of them first: find who they are now
        }
        boolean inTransaction = checked.eventId() != null && TransactionSynchronizationManager.isSynchronizationActive();
        ApplyEventToProfile.Added added = profiles.executeOnKey(current, new ApplyEventToProfile(checked, historyLimit, inTransaction));
        if (inTransaction) {
            inTransaction(current, checked.eventId());
        }
        if (added != null && added.identities() != null) {
            store.claimIdentities(current, added.identities());
        }
        metrics.updated(ProfileMetrics.EVENT);
        return moved(added == null ? SegmentMoves.none(current) : added.moves(), checked.type() != null);
    }

    /** The moves for the intake, or published (taken in once the caller's transaction commits) and none answered. */
    private SegmentMoves moved(SegmentMoves moves, boolean forTheIntake) {
        if (forTheIntake || moves.isEmpty()) {
            return moves;
        }
        published.publishEvent(moves);
        return SegmentMoves.none(moves.customerId());
    }

    /**
     * Evaluates the segments again of the customers whose membership may have changed by time alone by now (a
     * "no order for 60 days" condition), at most {@code limit} of those this member owns, the longest due first;
     * publishes what moved. Answers how many were re-checked.
     */
    public int recheckDueSegments(int limit) {
        Instant now = clock.instant();
        int checked = 0;
        for (String customerId : store.dueForSegmentRecheck(now, limit)) {
            if (hazelcast.getPartitionService().getPartition(customerId).getOwner().localMember()) {
                edited(customerId, EditProfile.recheckSegments(now));
                checked++;
            }
        }
        return checked;
    }

    /**
     * Evaluates the customer's segments again now with their event counters completed from the event history (a
     * changed segment's backfill); publishes what moved. Empty when the customer is unknown.
     */
    public Optional<CustomerProfile> recheckSegments(String customerId, Map<String, List<Instant>> recounted) {
        return edited(merges.current(customerId), EditProfile.recheckSegments(clock.instant(), recounted));
    }

    /** Applies an edit where the profile is kept and publishes the segments it moved the customer in or out of. */
    private Optional<CustomerProfile> edited(String customerId, EditProfile edit) {
        EditProfile.Edited edited = profiles.executeOnKey(customerId, edit);
        if (edited == null) {
            return Optional.empty();
        }
        if (!edited.moves().isEmpty()) {
            published.publishEvent(edited.moves());
        }
        return Optional.of(edited.profile());
    }

    /** An event applied to a cached profile in the current transaction. */
    private record Applied(String customerId, String eventId) {
    }

    /**
     * An event applied to the cached profile in the caller's transaction: the transaction writes the changed
     * profiles' rows just before it commits, all in one statement (not a commit per profile, as the map's
     * write-through would), so a 202 still means the profile is in the database with the event. If the
     * transaction rolls back, the cached profile is put back as it was before the event (the cache does not roll
     * back with it), latest event first; once it commits, the old version is let go. Outside a transaction the
     * change simply stands, written through by the map.
     */
    private void inTransaction(String customerId, String eventId) {
        @SuppressWarnings("unchecked")
        List<Applied> applied = (List<Applied>) TransactionSynchronizationManager.getResource(appliedInTransaction);
        if (applied == null) {
            List<Applied> inThisTransaction = new ArrayList<>();
            TransactionSynchronizationManager.bindResource(appliedInTransaction, inThisTransaction);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void beforeCommit(boolean readOnly) {
                    storeLatest(inThisTransaction);
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(appliedInTransaction);
                    if (status == STATUS_COMMITTED) {
                        inThisTransaction.forEach(ProfileService.this::forgetBefore);
                    } else {
                        revert(inThisTransaction);
                    }
                }
            });
            applied = inThisTransaction;
        }
        applied.add(new Applied(customerId, eventId));
    }

    /**
     * Writes the profiles the transaction changed (a later version wins in the row): each as the transaction's last
     * event left it where this member applied that event, so not copied out of the map (a Java deserialisation each:
     * a third of the intake's time on events that start nothing); the others as the map holds them now.
     */
    private void storeLatest(List<Applied> applied) {
        Map<String, CustomerProfile> latest = new HashMap<>();
        Set<String> elsewhere = new TreeSet<>();
        for (Applied event : applied) { // in their order: a customer's last event wins
            CustomerProfile after = ProfileUndo.after(event.eventId());
            if (after != null) {
                latest.put(event.customerId(), after);
                elsewhere.remove(event.customerId());
            } else {
                elsewhere.add(event.customerId());
            }
        }
        if (!elsewhere.isEmpty()) {
            latest.putAll(profiles.getAll(elsewhere));
        }
        store.storeLatest(latest.values());
    }

    private void forgetBefore(Applied applied) {
        ProfileUndo.forget(applied.eventId());
        if (!hazelcast.getPartitionService().getPartition(applied.customerId()).getOwner().localMember()) {
            profiles.submitToKey(applied.customerId(), new ProfileUndo.Forget(applied.eventId()));
        }
    }

    private void revert(List<Applied> applied) {
        for (int i = applied.size() - 1; i >= 0; i--) {
            Applied event = applied.get(i);
            try {
                if (!Boolean.TRUE.equals(profiles.executeOnKey(event.customerId(), new ProfileUndo.Revert(event.eventId())))) {
                    log.warn("TP-PROFILE-001 Event {} failed to commit, but its profile changed again since; its change stays (a retry applies it once)", event.eventId());
                }
            } catch (RuntimeException e) {
                log.warn("TP-PROFILE-002 Event {} failed to commit and its profile change could not be put back", event.eventId(), e);
            }
        }
    }

    /**
     * The customer an event belongs to: the survivor of a given customer id, else the owner of its email, phone,
     * or any other identity (in that order), else a new id.
     */
    public String resolveCustomerId(String customerId, Map<String, String> identities) {
        if (customerId != null && !customerId.isBlank()) {
            return merges.current(customerId.trim());
        }
        Map<String, String> known = ProfileUpdate.normalized(identities);
        List<String> kinds = new ArrayList<>(List.of(CustomerProfile.EMAIL, CustomerProfile.PHONE));
        known.keySet().stream().filter(kind -> !kinds.contains(kind)).forEach(kinds::add);
        return kinds.stream().filter(known::containsKey)
                .map(kind -> store.ownerOf(kind, known.get(kind))).flatMap(Optional::stream).findFirst()
                .map(merges::current)
                .orElseGet(() -> "c-" + UUID.randomUUID());
    }

    /** Sets (a null value removes) attributes of a known customer, re-planning journeys' waits on them; empty when the customer is unknown. */
    public Optional<CustomerProfile> patchAttributes(String customerId, Map<String, Object> attributes) {
        Map<String, Object> checked = types.check(attributes, "attributes.");
        Optional<CustomerProfile> patched = edited(merges.current(customerId), EditProfile.patchAttributes(checked, clock.instant()));
        patched.ifPresent(profile -> {
            journeys.attributesChanged(profile, checked.keySet());
            metrics.updated(ProfileMetrics.EDIT);
        });
        return patched;
    }

    /** Replaces the consents of a known customer; empty when the customer is unknown. */
    public Optional<CustomerProfile> replaceConsents(String customerId, Map<String, Object> consents) {
        Map<String, Boolean> checked = ProfileUpdate.consents(consents, "consents");
        Optional<CustomerProfile> replaced = edited(merges.current(customerId), EditProfile.replaceConsents(checked, clock.instant()));
        replaced.ifPresent(profile -> metrics.updated(ProfileMetrics.EDIT));
        return replaced;
    }

    /**
     * Erases a customer (and the ids merged into it): profile, identities, events and messages in our tables,
     * running journeys and their history in the engine. Safe to repeat: a second call erases nothing.
     */
    public Erasure erase(String customerId) {
        String current = merges.current(customerId);
        Set<String> ids = new LinkedHashSet<>(List.of(current, customerId));
        ids.addAll(merges.mergedInto(current));
        List<String> all = List.copyOf(ids);
        Erasure erasure = whileHolding(all, () -> {
            Map<String, Integer> deleted = rows.erase(all);
            CustomerRuns.Erased engine = journeys.erase(all);
            return new Erasure(current, all, deleted.get("customer_profile"), deleted.get("customer_identity"),
                    deleted.get("customer_event"), deleted.get("delivery_log"), deleted.get("customer_merge"), engine.terminated(),
                    engine.historyRemoved(), deleted);
        }, () -> merges.forget(all));
        metrics.updated(ProfileMetrics.ERASE);
        log.info("Erased a customer and {} merged into it: {} rows, {} journeys terminated, {} removed from history",
                all.size() - 1, erasure.rows().values().stream().mapToInt(Integer::intValue).sum(), erasure.journeysTerminated(),
                erasure.journeyHistoriesRemoved());
        return erasure;
    }

    /** What an erasure removed; {@code rows} counts the deleted rows of each of our tables that name customers. */
    public record Erasure(String customerId, List<String> customerIds, int profiles, int identities, int events,
                          int messages, int mergeRecords, int journeysTerminated, int journeyHistoriesRemoved, Map<String, Integer> rows) {
    }

    private List<String> customersLinkedBy(String customerId, ProfileUpdate update) {
        Set<String> others = new LinkedHashSet<>();
        if (ProfileUpdate.ALIAS.equals(update.type())) {
            if (update.previousId() == null) {
                throw new InvalidProfileUpdateException("properties.previousId", "is required for an alias event");
            }
            String previous = merges.current(update.previousId());
            if (previous.equals(customerId)) {
                throw new InvalidProfileUpdateException("properties.previousId",
                        "names customer '" + customerId + "' itself; a customer cannot be merged into itself");
            }
            others.add(previous);
        }
        update.identities().forEach((kind, value) -> store.ownerOf(kind, value).map(merges::current)
                .filter(owner -> !owner.equals(customerId)).ifPresent(others::add));
        return List.copyOf(others);
    }

    /**
     * Merges the other customers into the survivor and applies the update, all or nothing: the database changes
     * (profiles, identities, histories, merge records, journeys) commit together, with the caller's transaction
     * if there is one; the cached entries are dropped only after the commit and reload from the database. Answers
     * the segments the survivor entered and left, or null when another event merged them first and nothing changed.
     */
    private SegmentMoves merge(String survivorId, List<String> others, ProfileUpdate update) {
        List<String> all = new ArrayList<>(others);
        all.add(survivorId);
        Instant at = update.at();
        AtomicBoolean merged = new AtomicBoolean();
        SegmentMoves moves = whileHolding(all, () -> {
            if (merges.anyMergedAway(all)) {
                return null; // merged by another event between looking them up and locking them: changes nothing
            }
            merged.set(true);
            CustomerProfile before = profiles.get(survivorId);
            CustomerProfile survivor = Optional.ofNullable(before).orElseGet(() -> CustomerProfile.empty(survivorId, at));
            Map<String, CustomerProfile> mergedAway = new LinkedHashMap<>();
            others.forEach(other -> mergedAway.put(other, profiles.get(other)));
            for (Map.Entry<String, CustomerProfile> other : mergedAway.entrySet()) {
                if (other.getValue() != null) {
                    survivor = ProfileMerge.of(survivor, other.getValue(), historyLimit, at);
                }
                rows.moveToSurvivor(other.getKey(), survivorId);
                journeys.move(other.getKey(), survivorId);
                merges.record(other.getKey(), survivorId, at);
            }
            CustomerProfile result = ProfileSegments.evaluated(hazelcast,
                    ProfileSize.checked(ApplyEventToProfile.applied(survivor, update, historyLimit), "identities"), update.counted(), at);
            store.store(survivorId, result);
            store.claimIdentities(survivorId, result.identities());
            journeys.attributesChanged(result, result.attributes().keySet());
            return SegmentMoves.between(before, result, at);
        }, () -> {
            if (merged.get()) {
                others.forEach(other -> merges.remember(other, survivorId));
            }
        });
        if (merged.get()) {
            log.info("Merged {} customer(s) into another", others.size());
            log.debug("Merged customer(s) {} into {}", others, survivorId);
        }
        return merged.get() ? moves : null;
    }

    /**
     * Runs database work in a transaction (the caller's, if any) while holding the Hazelcast locks of these
     * customers, so no event changes them meanwhile. After the commit their cached entries are evicted (the next
     * read loads the committed rows) and {@code afterCommit} runs; the locks are released either way.
     */
    private <T> T whileHolding(List<String> customerIds, Supplier<T> work, Runnable afterCommit) {
        return transaction.execute(status -> {
            List<String> held = new ArrayList<>();
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    held.forEach(profiles::evict);
                    afterCommit.run();
                }

                @Override
                public void afterCompletion(int outcome) {
                    held.forEach(profiles::unlock);
                }
            });
            for (String id : new TreeSet<>(customerIds)) {
                profiles.lock(id, LOCK_LEASE_SECONDS, TimeUnit.SECONDS);
                held.add(id);
            }
            return work.get();
        });
    }
}
