package io.touchpoint.events;

import java.io.IOException;

import io.touchpoint.system.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

/** A servlet filter that acts on the HTTP paths events come in by only, and answers refusals as problem details. */
abstract class EventPathFilter extends OncePerRequestFilter {

    private static final String EVENTS = "/api/events";

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(path.equals(EVENTS) || path.startsWith(EVENTS + "/"));
    }

    static void refuse(HttpServletResponse response, int status, String error) throws IOException {
        Problems.write(response, status, error);
    }
}
