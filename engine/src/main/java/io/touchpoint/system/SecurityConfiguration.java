package io.touchpoint.system;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;

import io.touchpoint.events.ApiKeyAuthenticationFilter;

/**
 * Everything a person or system uses is authenticated with HTTP Basic: the event API, the Camunda REST API
 * (so Camunda Modeler's Deploy button works with a username and password) and the console.
 * Credentials come from {@code spring.security.user.*}, set from the environment in production.
 */
@Configuration
public class SecurityConfiguration {

    @Bean
    SecurityFilterChain touchpointSecurity(HttpSecurity http, ApiKeyAuthenticationFilter apiKeys) throws Exception {
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                // event sources may send X-Api-Key instead of Basic credentials on /api/events*
                .addFilterBefore(apiKeys, BasicAuthenticationFilter.class)
                // machine clients send Basic credentials with every request; no session, so no CSRF token
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .build();
    }
}
