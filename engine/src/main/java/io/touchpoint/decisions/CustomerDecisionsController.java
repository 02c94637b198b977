package io.touchpoint.decisions;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/customers/{id}/decisions}: why a customer got, or did not get, a message (newest first). */
@RestController
class CustomerDecisionsController {

    private static final int MAX_LIMIT = 500;

    private final DecisionLog decisions;

    CustomerDecisionsController(DecisionLog decisions) {
        this.decisions = decisions;
    }

    @GetMapping("/api/customers/{customerId}/decisions")
    List<DecisionLog.Entry> decisions(@PathVariable String customerId, @RequestParam(defaultValue = "50") int limit) {
        return decisions.forCustomer(customerId, Math.max(1, Math.min(limit, MAX_LIMIT)));
    }
}
