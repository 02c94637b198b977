package io.touchpoint.system;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The API's answer when the database is busy beyond its lock or pool timeout: 503 with Retry-After, as the event
 * routes answer, since the request did nothing and may simply be sent again.
 */
@RestControllerAdvice
class BusyAnswer {

    private static final Logger log = LoggerFactory.getLogger(BusyAnswer.class);

    private final String retryAfterSeconds;

    BusyAnswer(@Value("${touchpoint.events.retry-after-seconds}") String retryAfterSeconds) {
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @ExceptionHandler({TransientDataAccessException.class, CannotCreateTransactionException.class})
    ResponseEntity<ProblemDetail> busy(RuntimeException e) {
        log.warn("TP-EVENT-006 A request was answered 503 because the database is busy: {}", e.toString());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", retryAfterSeconds)
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, "the engine is busy; nothing was changed, retry later"));
    }
}
