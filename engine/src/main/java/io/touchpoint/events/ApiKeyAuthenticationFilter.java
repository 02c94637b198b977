package io.touchpoint.events;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;

import io.touchpoint.system.MachineAuthentication;

/**
 * Authenticates a sending system by its API key (header {@code X-Api-Key}) on the event paths only
 * ({@code /api/events}, {@code /api/events/batch}); an unknown or revoked key is refused with 401. Without the
 * header the request goes on to HTTP Basic. Placed in the security chain by {@code SecurityConfiguration}.
 */
public class ApiKeyAuthenticationFilter extends EventPathFilter implements MachineAuthentication {

    public static final String HEADER = "X-Api-Key";
    static final String ROLE = "ROLE_EVENT_SOURCE";

    private final ApiKeys keys;
    private final SecurityContextRepository contexts = new RequestAttributeSecurityContextRepository();

    ApiKeyAuthenticationFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String presented = request.getHeader(HEADER);
        if (presented == null) {
            chain.doFilter(request, response);
            return;
        }
        Optional<String> source = keys.sourceOf(presented);
        if (source.isEmpty()) {
            refuse(response, HttpServletResponse.SC_UNAUTHORIZED, "unknown or revoked API key in header " + HEADER);
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "source:" + source.get(), null, List.of(new SimpleGrantedAuthority(ROLE))));
        SecurityContextHolder.setContext(context);
        // kept for the asynchronous dispatch that answers a Camel platform-http request, as HTTP Basic does
        contexts.saveContext(context, request, response);
        chain.doFilter(request, response);
    }

    /** The filter as a bean for the security chain, and kept out of the plain servlet filter chain. */
    @Configuration
    static class Registration {

        @Bean
        ApiKeyAuthenticationFilter apiKeyAuthenticationFilter(ApiKeys keys) {
            return new ApiKeyAuthenticationFilter(keys);
        }

        @Bean
        FilterRegistrationBean<ApiKeyAuthenticationFilter> apiKeyFilterOnlyInSecurityChain(ApiKeyAuthenticationFilter filter) {
            FilterRegistrationBean<ApiKeyAuthenticationFilter> registration = new FilterRegistrationBean<>(filter);
            registration.setEnabled(false);
            return registration;
        }
    }
}
