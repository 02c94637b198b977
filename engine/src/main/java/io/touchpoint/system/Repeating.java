package io.touchpoint.system;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A round of background work repeated on a daemon thread of its own, {@code every} apart (from the end of one round
 * to the start of the next); a round that throws is handed to {@code failed} and the next round runs as planned. A
 * period of zero or less repeats nothing (the setting that switches the work off). Closed when its owner stops.
 */
public final class Repeating implements AutoCloseable {

    private final ScheduledExecutorService timer;

    private Repeating(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Starts repeating {@code round} after {@code first}, then {@code every} after each round ends. */
    public static Repeating start(String threadName, Duration first, Duration every, Runnable round, Consumer<RuntimeException> failed) {
        if (every.isZero() || every.isNegative()) {
            return new Repeating(null);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                round.run();
            } catch (RuntimeException e) {
                failed.accept(e);
            }
        }, first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return new Repeating(timer);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
