package io.touchpoint.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.json.ProblemDetailJacksonMixin;

/**
 * Errors as RFC 9457 problem details ({@code application/problem+json}: {@code type}, {@code title},
 * {@code status}, {@code detail}) where Spring MVC's own {@link ProblemDetail} handling does not reach: servlet
 * filters, security handlers and the Camel event routes. Controllers return a {@link ProblemDetail} themselves.
 */
public final class Problems {

    /** {@code application/problem+json}. */
    public static final String MEDIA_TYPE = MediaType.APPLICATION_PROBLEM_JSON_VALUE;

    private static final ObjectMapper JSON = new ObjectMapper().addMixIn(ProblemDetail.class, ProblemDetailJacksonMixin.class);

    private Problems() {
    }

    /** A problem of this HTTP status whose {@code detail} is the message a person can act on. */
    public static ProblemDetail of(int status, String detail) {
        return ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), detail);
    }

    /** The problem as JSON, for a body written by hand (a Camel route). */
    public static String json(int status, String detail) {
        try {
            return JSON.writeValueAsString(of(status, detail));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers the response with the problem (status, content type and body), from a filter or security handler. */
    public static void write(HttpServletResponse response, int status, String detail) throws IOException {
        response.setStatus(status);
        response.setContentType(MEDIA_TYPE); // JSON is UTF-8: no charset parameter, as Spring MVC answers a ProblemDetail
        response.getOutputStream().write(json(status, detail).getBytes(StandardCharsets.UTF_8));
    }
}
