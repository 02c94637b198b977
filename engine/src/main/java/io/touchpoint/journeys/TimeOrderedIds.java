package io.touchpoint.journeys;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.camunda.bpm.engine.impl.cfg.IdGenerator;
import org.springframework.stereotype.Component;

/**
 * The Camunda engine's ids (journey runs, executions, jobs, variables, history rows): UUIDs of version 7 (RFC 9562),
 * which begin with the time in milliseconds, so a new row's key sorts after the rows before it. Camunda's own
 * generator makes time-based UUIDs that begin with the fast-changing part of the time, so every new row lands on a
 * random page of each table and index: each commit then rewrites a page per row (H2 writes whole pages, and most of
 * the send jobs' time went into that), and PostgreSQL's indexes spread their writes the same way. Here the rows of a
 * moment share the last pages. Unique across nodes by 62 random bits; within a node strictly increasing (a counter
 * in the 12 bits after the time). Same text form and length as before, so ids already stored stay valid.
 */
@Component
public class TimeOrderedIds implements IdGenerator {

    private final AtomicLong last = new AtomicLong();

    @Override
    public String getNextId() {
        return next(System.currentTimeMillis()).toString();
    }

    UUID next(long nowMillis) {
        long stamp = last.updateAndGet(before -> Math.max(before + 1, nowMillis << 12)); // millis, then a counter
        long high = (stamp >>> 12) << 16 | 0x7000L | stamp & 0xFFFL;
        long low = ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L;
        return new UUID(high, low);
    }
}
