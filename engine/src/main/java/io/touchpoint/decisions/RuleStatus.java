package io.touchpoint.decisions;

import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /api/rules/status} shows: the rules running now (files, rule count, when loaded) and, when the
 * last change was refused, its problems (file, line, message) while the previous rules keep running.
 */
public record RuleStatus(String state, String location, Instant loadedAt, List<String> files, int rules,
                         Instant lastAttemptAt, List<RuleProblem> problems) {

    public static final String RUNNING = "RUNNING";
    public static final String CHANGE_REFUSED = "CHANGE_REFUSED";
}
