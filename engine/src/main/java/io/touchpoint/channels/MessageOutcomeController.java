package io.touchpoint.channels;

import java.util.Map;

import org.springframework.http.HttpStatus;
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
    ResponseEntity<Map<String, Object>> resolve(@PathVariable String idempotencyKey, @RequestBody Map<String, Object> body) {
        Object status = body.get("status");
        if (!"SENT".equals(status) && !"FAILED".equals(status)) {
            return ResponseEntity.badRequest().body(Map.of("error", "field 'status' must be 'SENT' or 'FAILED'"));
        }
        if (!deliveries.resolve(idempotencyKey, Status.valueOf((String) status), "resolved by an operator")) {
            return ResponseEntity.status(HttpStatus.CONFLICT).body(Map.of("error", "message " + idempotencyKey + " is not UNKNOWN",
                    "status", deliveries.status(idempotencyKey).map(Status::name).orElse("absent")));
        }
        return ResponseEntity.ok(Map.of("idempotencyKey", idempotencyKey, "status", status));
    }
}
