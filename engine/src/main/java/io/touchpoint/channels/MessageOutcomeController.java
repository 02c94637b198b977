package io.touchpoint.channels;

import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.touchpoint.channels.DeliveryLog.Status;

/**
 * An operator's word on a message whose outcome is UNKNOWN (README "Guarantees"): {@code {"status": "SENT"}} when
 * the provider has it (the step's retry goes on without sending), {@code "FAILED"} when it does not (the retry sends).
 */
@RestController
class MessageOutcomeController {

    private final DeliveryLog deliveries;

    MessageOutcomeController(DeliveryLog deliveries) {
        this.deliveries = deliveries;
    }

    @PutMapping("/api/console/messages/{idempotencyKey}/outcome")
    ResponseEntity<?> resolve(@PathVariable String idempotencyKey, @RequestBody Map<String, Object> body) {
        Object status = body.get("status");
        if (!"SENT".equals(status) && !"FAILED".equals(status)) {
            return ResponseEntity.of(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "field 'status' must be 'SENT' or 'FAILED'")).build();
        }
        if (!deliveries.resolve(idempotencyKey, Status.valueOf((String) status), "resolved by an operator")) {
            ProblemDetail conflict = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "message " + idempotencyKey + " is not UNKNOWN");
            conflict.setProperty("messageStatus", deliveries.status(idempotencyKey).map(Status::name).orElse("absent"));
            return ResponseEntity.of(conflict).build();
        }
        return ResponseEntity.ok(Map.of("idempotencyKey", idempotencyKey, "status", status));
    }
}
