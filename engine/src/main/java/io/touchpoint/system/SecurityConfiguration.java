package io.touchpoint.system;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Everything a person or system uses is authenticated with HTTP Basic: the event API, the Camunda REST API
 * (so Camunda Modeler's Deploy button works with a username and password) and the console.
 * Credentials come from {@code spring.security.user.*}, set from the environment in production.
 */
@Configuration
public class SecurityConfiguration {

    @Bean
    SecurityFilterChain touchpointSecurity(HttpSecurity http) throws Exception {
        return http
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/m/**").permitAll() // signed unsubscribe and tracking links in messages (channels)
                        .anyRequest().authenticated())
                .httpBasic(Customizer.withDefaults())
                // machine clients send Basic credentials with every request; no session, so no CSRF token
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .build();
    }
}
