package io.touchpoint.events;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Lets threads that each have one item of work do their items together, one group at a time: a thread puts its
 * item in the queue; whichever thread is free to lead takes what is queued (up to a group's size) and does it as
 * one piece of work, while the others wait for their results. A thread alone leads at once, with a group of one.
 *
 * @param <I> an item of work
 * @param <R> the result of one item
 */
final class GroupCommit<I, R> {

    private final Queue<Waiting<I, R>> queue = new ConcurrentLinkedQueue<>();
    private final ReentrantLock leader = new ReentrantLock();
    /** Signalled when a group is done (its items have results) and the lead is free again. */
    private final Object groupDone = new Object();

    /**
     * Does the item in a group, and answers its result; empty when the group's work failed as a whole
     * ({@code work} answered empty), so the caller does the item alone.
     *
     * @param work one group's items in their order → one result each, in that order; or empty when the group failed
     */
    Optional<R> submit(I item, int groupSize, Function<List<I>, Optional<List<R>>> work) {
        Waiting<I, R> mine = new Waiting<>(item);
        queue.add(mine);
        while (!mine.done) {
            if (leader.tryLock()) {
                try {
                    if (!mine.done) {
                        lead(groupSize, work);
                    }
                } finally {
                    synchronized (groupDone) {
                        leader.unlock();
                        groupDone.notifyAll();
                    }
                }
            } else {
                synchronized (groupDone) {
                    while (!mine.done && leader.isLocked()) {
                        try {
                            groupDone.wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException("interrupted while its event was being committed", e);
                        }
                    }
                }
            }
        }
        return Optional.ofNullable(mine.result);
    }

    /** How many items wait for a group (for tests). */
    int waiting() {
        return queue.size();
    }

    private void lead(int groupSize, Function<List<I>, Optional<List<R>>> work) {
        List<Waiting<I, R>> group = new ArrayList<>();
        for (Waiting<I, R> next = queue.poll(); next != null; next = group.size() < groupSize ? queue.poll() : null) {
            group.add(next);
        }
        Optional<List<R>> results = Optional.empty();
        try {
            results = work.apply(group.stream().map(waiting -> waiting.item).toList());
        } finally {
            for (int i = 0; i < group.size(); i++) {
                group.get(i).result = results.isPresent() ? results.get().get(i) : null;
                group.get(i).done = true;
            }
        }
    }

    private static final class Waiting<I, R> {
        final I item;
        volatile R result;
        volatile boolean done;

        Waiting(I item) {
            this.item = item;
        }
    }
}
