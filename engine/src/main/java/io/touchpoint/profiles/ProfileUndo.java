package io.touchpoint.profiles;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import com.hazelcast.map.EntryProcessor;

/**
 * The profile as it was before each event applied on this member whose transaction has not ended yet: the intake
 * changes the cached profile (and its row, written through) before it commits, so a transaction that then fails
 * puts the profile back ({@link Revert}), and one that commits lets go of it ({@link Forget}). A version that no
 * commit or rollback claims (its node died) is dropped after {@link #KEEP_NANOS}.
 */
final class ProfileUndo {

    private static final long KEEP_NANOS = TimeUnit.MINUTES.toNanos(2);
    private static final Map<String, Before> BEFORE = new ConcurrentHashMap<>();
    private static final Queue<Before> OLDEST_FIRST = new ConcurrentLinkedQueue<>();

    /** A profile before and after an event; {@code profile} is null for a customer the event created. */
    private record Before(String eventId, CustomerProfile profile, CustomerProfile after, long at) {
    }

    private ProfileUndo() {
    }

    static void remember(String eventId, CustomerProfile before, CustomerProfile after) {
        long now = System.nanoTime();
        for (Before oldest = OLDEST_FIRST.peek(); oldest != null && now - oldest.at() > KEEP_NANOS; oldest = OLDEST_FIRST.peek()) {
            OLDEST_FIRST.poll();
            BEFORE.remove(oldest.eventId(), oldest);
        }
        Before entry = new Before(eventId, before, after, now);
        BEFORE.put(eventId, entry);
        OLDEST_FIRST.add(entry);
    }

    /** The profile as an event left it, when the event was applied on this member and its transaction has not ended; else null. */
    static CustomerProfile after(String eventId) {
        Before before = BEFORE.get(eventId);
        return before == null ? null : before.after();
    }

    static void forget(String eventId) {
        BEFORE.remove(eventId);
    }

    /** Lets go of the version kept for an event whose transaction committed, on the member that holds it. */
    record Forget(String eventId) implements EntryProcessor<String, CustomerProfile, Void> {
        @Override
        public Void process(Map.Entry<String, CustomerProfile> entry) {
            forget(eventId);
            return null;
        }

        @Override
        public EntryProcessor<String, CustomerProfile, Void> getBackupProcessor() {
            return null; // only the owner keeps old versions
        }
    }

    /**
     * Puts a profile back as it was before an event whose transaction failed, if nothing changed it since; answers
     * whether it did. Its backups get the same value.
     */
    static final class Revert implements EntryProcessor<String, CustomerProfile, Boolean> {
        private final String eventId;
        private transient Before reverted;

        Revert(String eventId) {
            this.eventId = eventId;
        }

        @Override
        public Boolean process(Map.Entry<String, CustomerProfile> entry) {
            Before before = BEFORE.remove(eventId);
            if (before == null || !before.after().equals(entry.getValue())) {
                return false;
            }
            entry.setValue(before.profile());
            reverted = before;
            return true;
        }

        @Override
        public EntryProcessor<String, CustomerProfile, Boolean> getBackupProcessor() {
            return reverted == null ? null : new SetTo<>(reverted.profile());
        }
    }

    /** A backup's copy of a profile as the owner's processor left it (reverted, updated, edited). */
    record SetTo<R>(CustomerProfile profile) implements EntryProcessor<String, CustomerProfile, R> {
        @Override
        public R process(Map.Entry<String, CustomerProfile> entry) {
            entry.setValue(profile);
            return null;
        }

        @Override
        public EntryProcessor<String, CustomerProfile, R> getBackupProcessor() {
            return null;
        }
    }
}
