package io.touchpoint.journeys;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Which of a customer's journey runs wait for which event type, at which execution, known without asking the
 * engine: the engine's message subscriptions (message catch events, receive tasks with a message, goals as event
 * sub-processes) of runs with a business key, in the Hazelcast map {@value #MAP_NAME} keyed by customer id (so it
 * lives with the customer's profile), with the run's instance key. {@link SubscriptionWatch} hands it what each engine
 * command inserted, changed and deleted; it is written only after the transaction commits, and while a transaction
 * that changes a customer's waits is committing, the customer's entry is not trusted. Whenever the map cannot be
 * trusted for a customer (before the rebuild at start, during a commit, in a transaction that changed the customer's
 * waits itself) the waits are read from the engine's tables instead, and remembered when nothing changed meanwhile.
 */
@Component
public class RunWaits {

    static final String MAP_NAME = "touchpoint-journey-waits";
    /** Holds {@code complete} once a member has rebuilt the map from the engine's tables. */
    static final String STATE_MAP_NAME = "touchpoint-journey-waits-state";
    private static final String COMPLETE = "complete";
    private static final long ABSENT = 0;
    private static final Logger log = LoggerFactory.getLogger(RunWaits.class);

    private static final String SELECT = "select s.ID_, s.EVENT_NAME_, s.EXECUTION_ID_, s.PROC_INST_ID_, p.PROC_DEF_ID_, p.BUSINESS_KEY_, v.TEXT_"
            + " from ACT_RU_EVENT_SUBSCR s join ACT_RU_EXECUTION p on p.ID_ = s.PROC_INST_ID_"
            + " left join ACT_RU_VARIABLE v on v.EXECUTION_ID_ = p.ID_ and v.NAME_ = '" + JourneyDispatcher.INSTANCE_KEY + "'"
            + " where s.EVENT_TYPE_ = 'message' and p.BUSINESS_KEY_ ";
    private static final RowMapper<Wait> WAIT = (row, n) -> new Wait(row.getString(1), row.getString(2), row.getString(3),
            row.getString(4), row.getString(5), row.getString(7));

    /** One message subscription of a waiting run; instanceKey is the run's key, if it has one. */
    public record Wait(String subscriptionId, String eventType, String executionId, String processInstanceId, String definitionId,
                       String instanceKey) implements Serializable {
    }

    /** A subscription a transaction inserted or changed (waiting), or deleted (waiting null). */
    record Change(String customerId, String subscriptionId, Wait waiting) implements Serializable {
    }

    private final HazelcastInstance hazelcast;
    private final JdbcTemplate jdbc;
    private final Counter fromMemory;
    private final Counter fromTables;
    private volatile IMap<String, CustomerWaits> map;
    private volatile boolean complete;

    RunWaits(HazelcastInstance hazelcast, JdbcTemplate jdbc, MeterRegistry registry) {
        this.hazelcast = hazelcast;
        this.jdbc = jdbc;
        this.fromMemory = Counter.builder("touchpoint.journeys.waits.lookups").tag("from", "memory")
                .description("Lookups of a customer's waiting runs, answered from memory or from the engine's tables").register(registry);
        this.fromTables = Counter.builder("touchpoint.journeys.waits.lookups").tag("from", "tables")
                .description("Lookups of a customer's waiting runs, answered from memory or from the engine's tables").register(registry);
        Gauge.builder("touchpoint.journeys.waits.customers", this, waits -> waits.map().getLocalMapStats().getOwnedEntryCount())
                .description("Customers with waiting runs known in memory (entries this member owns)").register(registry);
    }

    /** The customer's waits: from memory when it can be trusted, else from the engine's tables (and then remembered). */
    public List<Wait> of(String customerId) {
        boolean changedHere = pending() != null && pending().customers.contains(customerId);
        CustomerWaits entry = changedHere ? null : map().get(customerId);
        if (!changedHere && trusted(entry)) {
            fromMemory.increment();
            return entry == null ? List.of() : List.copyOf(entry.waits.values());
        }
        fromTables.increment();
        List<Wait> found = jdbc.query(SELECT + "= ?", WAIT, customerId);
        if (!changedHere) { // committed state only: what this transaction wrote itself is not remembered before it commits
            map().executeOnKey(customerId, new Publish(found, entry == null ? ABSENT : entry.version, isComplete()));
        }
        return found;
    }

    /** The customer's waits as memory has them, if memory can be trusted for the customer now. */
    Optional<List<Wait>> inMemory(String customerId) {
        CustomerWaits entry = map().get(customerId);
        return trusted(entry) ? Optional.of(entry == null ? List.of() : List.copyOf(entry.waits.values())) : Optional.empty();
    }

    private boolean trusted(CustomerWaits entry) {
        return entry == null ? isComplete() : entry.known && entry.pending == 0;
    }

    /** Whether memory answers for customers it has no entry for (nobody waits), that is, once it was rebuilt. */
    boolean isComplete() {
        if (!complete && Boolean.TRUE.equals(hazelcast.<String, Boolean>getMap(STATE_MAP_NAME).get(COMPLETE))) {
            complete = true;
        }
        return complete;
    }

    /**
     * Fills the map from the engine's tables when this member is the first of its cluster (otherwise the members
     * before it keep the map). Events meanwhile read the tables. A customer whose waits changed while the tables
     * were read is left to be read again on its next event.
     */
    @EventListener(ApplicationReadyEvent.class)
    void rebuildIfFirst() {
        map().addPartitionLostListener(lost -> partitionLost(lost.getPartitionId()));
        if (hazelcast.getCluster().getMembers().size() == 1) {
            rebuild();
        }
    }

    /**
     * More members failed at once than the map keeps backups: some customers' waits are gone from memory, and an
     * event for them would continue nothing. From now on lookups read the engine's tables, until the map is rebuilt
     * (on a thread of its own, not Hazelcast's event thread).
     */
    void partitionLost(int partition) {
        complete = false;
        hazelcast.getMap(STATE_MAP_NAME).remove(COMPLETE);
        map().clear();
        log.warn("TP-JOURNEY-010 Partition {} of the journey waits was lost (members failed); waits are read from the engine's tables until they are rebuilt", partition);
        CompletableFuture.runAsync(this::rebuild).exceptionally(failed -> {
            log.error("TP-JOURNEY-010 The journey waits could not be rebuilt; waits stay read from the engine's tables", failed);
            return null;
        });
    }

    /** Reads every waiting run from the engine's tables into the map. */
    void rebuild() {
        IMap<String, Boolean> state = hazelcast.getMap(STATE_MAP_NAME);
        state.remove(COMPLETE);
        complete = false;
        Map<String, Long> versions = new HashMap<>();
        map().forEach((customer, entry) -> versions.put(customer, entry.version));
        Map<String, List<Wait>> byCustomer = new LinkedHashMap<>();
        jdbc.query(SELECT + "is not null", row -> {
            byCustomer.computeIfAbsent(row.getString(6), c -> new ArrayList<>()).add(WAIT.mapRow(row, 0));
        });
        versions.keySet().forEach(customer -> byCustomer.putIfAbsent(customer, List.of()));
        byCustomer.forEach((customer, waits) ->
                map().executeOnKey(customer, new Publish(waits, versions.getOrDefault(customer, ABSENT), false)));
        state.put(COMPLETE, true);
        complete = true;
        log.info("Journey waits rebuilt from the engine's tables: {} customer(s) with waiting runs", byCustomer.size());
    }

    /** Where this transaction's changes stand, to take back those made after a savepoint that is rolled back. */
    int mark() {
        Pending pending = pending();
        return pending == null ? 0 : pending.changes.size();
    }

    /** Forgets the changes recorded after the mark: the savepoint they were made in was rolled back. */
    void rollbackTo(int mark) {
        Pending pending = pending();
        if (pending != null && pending.changes.size() > mark) {
            pending.changes.subList(mark, pending.changes.size()).clear();
        }
    }

    /** Records what an engine command changed, to be written when its transaction commits. */
    void changed(List<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            // cannot happen with the Spring-managed engine; were it to, the map can no longer be trusted
            log.error("TP-JOURNEY-009 An engine command changed journey waits outside a transaction; the waits are rebuilt");
            rebuild();
            return;
        }
        Pending pending = pending();
        if (pending == null) {
            pending = new Pending();
            TransactionSynchronizationManager.bindResource(this, pending);
            TransactionSynchronizationManager.registerSynchronization(pending);
        }
        pending.changes.addAll(changes);
        for (Change change : changes) {
            pending.customers.add(change.customerId());
        }
    }

    private Pending pending() {
        return TransactionSynchronizationManager.isSynchronizationActive() ? (Pending) TransactionSynchronizationManager.getResource(this) : null;
    }

    IMap<String, CustomerWaits> map() {
        IMap<String, CustomerWaits> current = map;
        if (current == null) {
            current = hazelcast.getMap(MAP_NAME);
            map = current;
        }
        return current;
    }

    /** A transaction's changes: the customers are marked as changing before it commits, the changes written after. */
    private final class Pending implements TransactionSynchronization {
        final List<Change> changes = new ArrayList<>();
        final Set<String> customers = new HashSet<>();
        private Set<String> begun = Set.of();

        @Override
        public void beforeCommit(boolean readOnly) {
            Set<String> changing = Set.copyOf(customers);
            try {
                map().executeOnKeys(changing, new Begin(isComplete()));
            } catch (RuntimeException failed) { // the commit fails; entries already marked stay so, and are read from the tables
                log.error("TP-JOURNEY-010 Journey waits of {} customer(s) could not be marked as changing; the transaction rolls back",
                        changing.size(), failed);
                throw failed;
            }
            begun = changing;
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(RunWaits.this);
            Map<String, List<Change>> byCustomer = new HashMap<>();
            begun.forEach(customer -> byCustomer.put(customer, new ArrayList<>()));
            changes.stream().filter(change -> begun.contains(change.customerId()))
                    .forEach(change -> byCustomer.get(change.customerId()).add(change));
            List<CompletableFuture<Object>> written = new ArrayList<>();
            byCustomer.forEach((customer, ofCustomer) ->
                    written.add(map().submitToKey(customer, new Apply(ofCustomer, status)).toCompletableFuture()));
            try {
                CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).join();
            } catch (RuntimeException failed) { // the customers stay marked as changing: their waits are read from the tables
                log.error("TP-JOURNEY-010 Journey waits of {} customer(s) could not be written after a commit; they are read from the engine's tables",
                        byCustomer.size(), failed);
            }
        }
    }

    /** A customer's waits by subscription id, with what keeps them trustworthy. */
    static final class CustomerWaits implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        final Map<String, Wait> waits = new HashMap<>();
        /** Subscriptions deleted while a transaction was committing: a late write of one must not bring it back. */
        final Set<String> deleted = new HashSet<>();
        /** False when the entry was begun before the map was complete: only the tables know the rest. */
        boolean known;
        /** Transactions changing this customer's waits between their commit and their write. */
        int pending;
        /** Changes whenever the entry does, so that what was read from the tables is not written over a newer change. */
        long version = nextVersion();

        private static long nextVersion() {
            long version = ThreadLocalRandom.current().nextLong();
            return version == ABSENT ? 1 : version;
        }
    }

    /** A transaction that changes the customer's waits is about to commit. */
    record Begin(boolean complete) implements EntryProcessor<String, CustomerWaits, Object> {
        @Override
        public Object process(Map.Entry<String, CustomerWaits> entry) {
            CustomerWaits waits = entry.getValue();
            if (waits == null) {
                waits = new CustomerWaits();
                waits.known = complete;
            }
            waits.pending++;
            waits.version = CustomerWaits.nextVersion();
            entry.setValue(waits);
            return null;
        }
    }

    /** The transaction ended: its changes are written if it committed. */
    record Apply(List<Change> changes, int status) implements EntryProcessor<String, CustomerWaits, Object> {
        @Override
        public Object process(Map.Entry<String, CustomerWaits> entry) {
            CustomerWaits waits = entry.getValue();
            if (waits == null) { // the map lost it (members left): only the tables know
                waits = new CustomerWaits();
                waits.pending = 1;
            }
            if (status == TransactionSynchronization.STATUS_COMMITTED) {
                for (Change change : changes) {
                    if (change.waiting() == null) {
                        waits.waits.remove(change.subscriptionId());
                        waits.deleted.add(change.subscriptionId());
                    } else if (!waits.deleted.contains(change.subscriptionId())) {
                        waits.waits.put(change.subscriptionId(), change.waiting());
                    }
                }
            } else if (status == TransactionSynchronization.STATUS_UNKNOWN) {
                waits.known = false;
            }
            waits.pending = Math.max(0, waits.pending - 1);
            waits.version = CustomerWaits.nextVersion();
            if (waits.pending == 0) {
                waits.deleted.clear();
            }
            entry.setValue(waits.known && waits.pending == 0 && waits.waits.isEmpty() ? null : waits);
            return null;
        }
    }

    /** What was read from the tables, unless the entry changed since it was read. */
    record Publish(List<Wait> found, long readVersion, boolean complete) implements EntryProcessor<String, CustomerWaits, Object> {
        @Override
        public Object process(Map.Entry<String, CustomerWaits> entry) {
            CustomerWaits current = entry.getValue();
            if ((current == null ? ABSENT : current.version) != readVersion || current == null && found.isEmpty() && complete) {
                return null;
            }
            CustomerWaits waits = current == null ? new CustomerWaits() : current;
            waits.waits.clear();
            for (Wait wait : found) {
                if (!waits.deleted.contains(wait.subscriptionId())) {
                    waits.waits.put(wait.subscriptionId(), wait);
                }
            }
            waits.known = true;
            waits.version = CustomerWaits.nextVersion();
            entry.setValue(waits.pending == 0 && waits.waits.isEmpty() && complete ? null : waits);
            return null;
        }
    }
}
