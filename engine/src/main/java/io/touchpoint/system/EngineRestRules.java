package io.touchpoint.system;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.UriUtils;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The role each call of the Camunda REST API needs, by what it does: reading needs viewer; acting on running journeys
 * (jobs, incidents, instances, messages, tasks) operator; deploying and changing journey definitions marketer;
 * identity, authorizations, filters, external tasks, history deletion and anything else admin or nobody. A path under
 * {@code /engine-rest/engine/{name}/} follows the rule of the same path without that prefix. A call that no rule names
 * is refused, whoever asks.
 */
final class EngineRestRules {

    static final String PREFIX = "/engine-rest";

    private record Rule(Set<String> methods, List<PathPattern> paths, String role) {
        boolean matches(String method, PathContainer path) {
            return (methods.isEmpty() || methods.contains(method)) && paths.stream().anyMatch(p -> p.matches(path));
        }
    }

    private static final Set<String> ANY = Set.of();
    private static final Set<String> READ = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> POST = Set.of("POST");
    private static final Set<String> CHANGE = Set.of("POST", "PUT", "DELETE");
    private static final Set<String> PUT_DELETE = Set.of("PUT", "DELETE");

    private static final List<Rule> RULES = List.of(
            // who may sign in and what they may do; the engine's own administration
            rule(ANY, "ADMIN", "/user/**", "/group/**", "/authorization/**", "/tenant/**", "/identity/**", "/schema/**", "/telemetry/**"),
            // reading
            rule(READ, "VIEWER", "/version", "/engine", "/deployment/**", "/process-definition/**", "/process-instance/**",
                    "/execution/**", "/job/**", "/job-definition/**", "/incident/**", "/task/**", "/variable-instance/**",
                    "/event-subscription/**", "/decision-definition/**", "/decision-requirements-definition/**",
                    "/case-definition/**", "/case-instance/**", "/case-execution/**", "/batch/**", "/filter/**",
                    "/external-task/**", "/history/**", "/metrics/**"),
            // queries sent as POST with the criteria in the body
            rule(POST, "VIEWER", "/process-instance", "/process-instance/count", "/execution", "/execution/count", "/job", "/job/count",
                    "/task", "/task/count", "/variable-instance", "/variable-instance/count", "/external-task", "/external-task/count",
                    "/history/{kind:activity-instance|process-instance|task|variable-instance|detail|job-log|external-task-log|decision-instance}",
                    "/history/{kind:activity-instance|process-instance|task|variable-instance|detail|job-log|external-task-log|decision-instance}/count"),
            // deploying journeys and changing their definitions, moving customers between versions
            rule(POST, "MARKETER", "/deployment/create", "/deployment/{id}/redeploy", "/migration/**"),
            rule(Set.of("DELETE"), "MARKETER", "/deployment/**", "/process-definition/**"),
            rule(Set.of("PUT"), "MARKETER", "/process-definition/**", "/decision-definition/**"),
            // acting on running journeys: start, retry, resolve, correlate, suspend, modify, cancel
            rule(POST, "OPERATOR", "/process-definition/**", "/decision-definition/**", "/message", "/signal", "/condition"),
            rule(CHANGE, "OPERATOR", "/process-instance/**", "/execution/**", "/job/**", "/job-definition/**", "/incident/**",
                    "/task/**", "/modification/**"),
            rule(PUT_DELETE, "OPERATOR", "/batch/**"),
            // the rest changes what the engine keeps or lets other programs work on it
            rule(CHANGE, "ADMIN", "/filter/**", "/external-task/**", "/history/**", "/case-definition/**", "/case-instance/**",
                    "/case-execution/**", "/metrics/**", "/decision-requirements-definition/**"));

    private EngineRestRules() {
    }

    /** The role a call needs, or empty when no rule allows it to anyone. {@code path} is below the context path. */
    static Optional<String> requiredRole(String method, String path) {
        String call = engineRelative(path);
        if (call == null) {
            return Optional.empty();
        }
        PathContainer container = PathContainer.parsePath(call);
        return RULES.stream().filter(rule -> rule.matches(method, container)).findFirst().map(Rule::role);
    }

    /** The request's path below the context path, decoded as the Camunda REST API will see it. */
    static String pathOf(HttpServletRequest request) {
        return UriUtils.decode(request.getRequestURI().substring(request.getContextPath().length()), StandardCharsets.UTF_8);
    }

    /** The path below /engine-rest, without /engine/{name}; null when it is no Camunda REST path. */
    private static String engineRelative(String path) {
        if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
            return null;
        }
        String call = path.substring(PREFIX.length());
        if (call.startsWith("/engine/")) {
            int afterName = call.indexOf('/', "/engine/".length());
            call = afterName < 0 ? "" : call.substring(afterName);
        }
        while (call.endsWith("/")) {
            call = call.substring(0, call.length() - 1);
        }
        return call.isEmpty() ? null : call;
    }

    private static Rule rule(Set<String> methods, String role, String... paths) {
        return new Rule(methods, List.of(paths).stream().map(PathPatternParser.defaultInstance::parse).toList(), role);
    }
}
