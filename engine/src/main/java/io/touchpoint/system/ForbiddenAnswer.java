package io.touchpoint.system;

import java.io.IOException;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;

/** A 403 that says who was refused what and which role it needs, as a problem detail. */
class ForbiddenAnswer implements AccessDeniedHandler {

    private static final Logger log = LoggerFactory.getLogger(ForbiddenAnswer.class);

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied) throws IOException {
        String message = denied instanceof CsrfException
                ? "Your console session has no valid CSRF token; reload the page and try again."
                : refusal(request);
        log.info("Refused {} {}: {}", request.getMethod(), request.getRequestURI(), message);
        Problems.write(response, HttpServletResponse.SC_FORBIDDEN, message);
    }

    private static String refusal(HttpServletRequest request) {
        Authentication user = SecurityContextHolder.getContext().getAuthentication();
        String roles = user == null ? "none" : user.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .map(role -> role.replaceFirst("^ROLE_", "").toLowerCase()).collect(Collectors.joining(", "));
        String who = user == null ? "You" : "'" + user.getName() + "' (role " + roles + ")";
        return who + " may not " + action(request) + ": " + neededRole(request) + ".";
    }

    private static String action(HttpServletRequest request) {
        String path = request.getRequestURI();
        if (path.contains("/retry")) {
            return "retry";
        }
        if ((path.startsWith("/engine-rest/") && path.contains("/deployment")) || path.startsWith("/api/rules")) {
            return "deploy";
        }
        return "do " + request.getMethod() + " " + path;
    }

    private static String neededRole(HttpServletRequest request) {
        String path = request.getRequestURI();
        if (path.startsWith(EngineRestRules.PREFIX + "/") || path.equals(EngineRestRules.PREFIX)) {
            return EngineRestRules.requiredRole(request.getMethod(), EngineRestRules.pathOf(request))
                    .map(role -> "that needs the " + role.toLowerCase() + " role")
                    .orElse("Touchpoint allows that Camunda REST call to no role");
        }
        if (path.startsWith("/api/rules") || path.startsWith("/api/templates") || path.startsWith("/api/journeys")) {
            return "that needs the marketer role";
        }
        if (path.startsWith("/api/events")) {
            return "sending events needs an event source's API key or the integration role";
        }
        return "that needs the " + (request.getMethod().equals("GET") ? "viewer" : "operator") + " role";
    }
}
