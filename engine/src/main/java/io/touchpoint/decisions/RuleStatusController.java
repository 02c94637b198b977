package io.touchpoint.decisions;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/rules/status}: the running rules, and the problems (file, line, message) of a refused change. */
@RestController
class RuleStatusController {

    private final RuleBase rules;

    RuleStatusController(RuleBase rules) {
        this.rules = rules;
    }

    @GetMapping("/api/rules/status")
    RuleStatus status() {
        return rules.status();
    }
}
