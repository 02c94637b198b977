package io.touchpoint.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The HTTP paths events come in by, and the small JSON error answers the servlet filters in front of them give. */
final class EventPaths {

    private static final String EVENTS = "/api/events";

    private EventPaths() {
    }

    static boolean isEventPath(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return path.equals(EVENTS) || path.startsWith(EVENTS + "/");
    }

    static void answer(HttpServletResponse response, int status, String error) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter().write("{\"error\":\"" + error.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
    }
}
