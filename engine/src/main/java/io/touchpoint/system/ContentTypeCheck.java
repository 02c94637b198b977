package io.touchpoint.system;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, with 415, an API request whose Content-Type is not one concrete media type ({@code *}{@code /*},
 * {@code garbage}) or names an unknown charset: Spring MVC would fail on it with a 500 while reading the body.
 */
@Component
class ContentTypeCheck extends OncePerRequestFilter {

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith(request.getContextPath() + "/api/") || request.getContentType() == null;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            MediaType type = MediaType.parseMediaType(request.getContentType());
            if (!type.isConcrete() || !knownCharset(type)) {
                refuse(response);
                return;
            }
        } catch (InvalidMediaTypeException e) {
            refuse(response);
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean knownCharset(MediaType type) {
        try {
            type.getCharset();
            return true;
        } catch (IllegalArgumentException unknownOrIllegal) { // UnsupportedCharsetException, IllegalCharsetNameException
            return false;
        }
    }

    private static void refuse(HttpServletResponse response) throws IOException {
        Problems.write(response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE,
                "the Content-Type is not one concrete media type with a known charset, such as application/json");
    }
}
