package io.touchpoint.decisions;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Readiness (health component {@code rules}, in the readiness group): UP once a rule base is compiled and running,
 * with its number of rules; a refused later change keeps the running rules, and says so without going DOWN.
 */
@Component("rules")
class RulesReadiness implements HealthIndicator {

    private final RuleBase rules;

    RulesReadiness(RuleBase rules) {
        this.rules = rules;
    }

    @Override
    public Health health() {
        RuleStatus status;
        try {
            status = rules.status();
        } catch (RuntimeException notYet) {
            return Health.down().withDetail("rules", "not compiled yet").build();
        }
        return (status.rules() > 0 ? Health.up() : Health.down()).withDetail("rules", status.rules())
                .withDetail("state", status.state()).build();
    }
}
