package io.touchpoint.console;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Who is signed in, with which roles, and the CSRF token the console's pages send with every change. */
@RestController
public class ConsoleSessionController {

    private static final List<String> ROLES = List.of("viewer", "operator", "marketer", "admin");

    @GetMapping("/api/console/session")
    public Map<String, Object> session(Authentication user, HttpServletRequest request) {
        Map<String, Object> session = new LinkedHashMap<>();
        boolean signedIn = user != null && user.isAuthenticated() && !(user instanceof AnonymousAuthenticationToken);
        session.put("user", signedIn ? user.getName() : null);
        session.put("roles", signedIn ? effectiveRoles(user) : List.of());
        CsrfToken csrf = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        if (csrf != null) {
            session.put("csrf", Map.of("header", csrf.getHeaderName(), "parameter", csrf.getParameterName(), "token", csrf.getToken()));
        }
        return session;
    }

    /** The user's own roles and every role below them: an operator is also a viewer. */
    private static List<String> effectiveRoles(Authentication user) {
        int highest = user.getAuthorities().stream().map(GrantedAuthority::getAuthority)
                .map(role -> ROLES.indexOf(role.replaceFirst("^ROLE_", "").toLowerCase()))
                .max(Integer::compare).orElse(-1);
        return ROLES.subList(0, highest + 1);
    }
}
