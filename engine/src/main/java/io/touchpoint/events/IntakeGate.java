package io.touchpoint.events;

import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Back-pressure in front of the event paths (after authentication): a request whose declared length is over
 * the limit gets 413; when {@code max-in-flight} requests are already being taken in, 503 with Retry-After. A
 * request let in has its body read whole and checked first ({@link EventBody}: size, completeness, UTF-8).
 */
@Component
public class IntakeGate extends EventPathFilter {

    private static final Logger log = LoggerFactory.getLogger(IntakeGate.class);

    private final Semaphore inFlight;
    private final long maxPayloadBytes;
    private final int retryAfterSeconds;

    IntakeGate(@Value("${touchpoint.events.max-in-flight}") int maxInFlight,
               @Value("${touchpoint.events.max-payload-bytes}") long maxPayloadBytes,
               @Value("${touchpoint.events.retry-after-seconds}") int retryAfterSeconds) {
        this.inFlight = new Semaphore(maxInFlight);
        this.maxPayloadBytes = maxPayloadBytes;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Refusals since the last warning: under overload the log says so every 10 s, not once per request. */
    private final AtomicInteger refusedSinceWarning = new AtomicInteger();
    private final AtomicLong lastWarning = new AtomicLong();

    private void warnBusy() {
        refusedSinceWarning.incrementAndGet();
        long now = System.nanoTime();
        long last = lastWarning.get();
        if ((last == 0 || now - last > TimeUnit.SECONDS.toNanos(10)) && lastWarning.compareAndSet(last, now)) {
            log.warn("TP-EVENT-003 Event intake is at its limit of requests in flight: {} request(s) answered 503 with Retry-After {}s since the last warning",
                    refusedSinceWarning.getAndSet(0), retryAfterSeconds);
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxPayloadBytes) {
            refuse(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                    "the payload is larger than " + maxPayloadBytes + " bytes");
            return;
        }
        if (!inFlight.tryAcquire()) {
            warnBusy();
            response.setHeader("Retry-After", String.valueOf(retryAfterSeconds));
            refuse(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "too many events in flight; retry later");
            return;
        }
        Runnable release = releaseOnce();
        boolean answeredLater = false;
        try {
            HttpServletRequest held;
            try {
                held = EventBody.read(request, maxPayloadBytes);
            } catch (EventBody.Refused refused) {
                refuse(response, refused.status(), refused.getMessage());
                return;
            }
            chain.doFilter(held, response);
            // Camel's platform-http answers asynchronously: the request is in flight until its answer is complete
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new ReleaseWhenAnswered(release));
                answeredLater = true;
            }
        } finally {
            if (!answeredLater) {
                release.run();
            }
        }
    }

    /** How many more requests may be taken in right now. */
    int freeSlots() {
        return inFlight.availablePermits();
    }

    private Runnable releaseOnce() {
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                inFlight.release();
            }
        };
    }

    /** Gives the in-flight slot back when an asynchronously answered request ends, however it ends. */
    private record ReleaseWhenAnswered(Runnable release) implements AsyncListener {

        @Override
        public void onComplete(AsyncEvent event) {
            release.run();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            release.run();
        }

        @Override
        public void onError(AsyncEvent event) {
            release.run();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }
}
