package io.touchpoint.system;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.authorization.AuthorityAuthorizationManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.annotation.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.savedrequest.NullRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;


/**
 * Who may do what. Machine clients (the event API, the Camunda REST API for Camunda Modeler) use HTTP Basic on
 * every request; people sign in to the console with a form and a session. Roles, each including the one below:
 * admin &gt; marketer (deploys journeys and rules) &gt; operator (retries) &gt; viewer (reads); integration (sends events)
 * beside them, included in admin. README "Security model" has the table; EngineRestRolesIT and ApiRolesIT prove it.
 */
@Configuration
@EnableConfigurationProperties(ConsoleUsers.class)
public class SecurityConfiguration {

    static final String LOGIN_PAGE = "/console/login.html";
    /** "/console" and everything under it. */
    private static final RequestMatcher CONSOLE_PAGES = PathPatternRequestMatcher.withDefaults().matcher("/console/**");

    @Bean
    SecurityFilterChain touchpointSecurity(HttpSecurity http, MachineAuthentication apiKeys, RoleHierarchy roleHierarchy,
                                           @Value("${touchpoint.rules.code-role}") String codeRole) throws Exception {
        AuthenticationEntryPoint basic = SecurityConfiguration::unauthorized;
        return http
                .authorizeHttpRequests(requests -> requests
                        // --- rules and templates over the API (issue 14 item 6): a DRL is code, only the code role
                        // (touchpoint.rules.code-role, admin by default) changes one; decision tables and message
                        // templates: marketer. Reading them: viewer and above (below).
                        .requestMatchers(HttpMethod.PUT, "/api/rules/*.drl").hasRole(codeRole.toUpperCase(Locale.ROOT))
                        .requestMatchers(HttpMethod.DELETE, "/api/rules/*.drl").hasRole(codeRole.toUpperCase(Locale.ROOT))
                        .requestMatchers(HttpMethod.PUT, "/api/rules/**").hasRole("MARKETER")
                        .requestMatchers(HttpMethod.DELETE, "/api/rules/**").hasRole("MARKETER")
                        .requestMatchers(HttpMethod.PUT, "/api/segments/**").hasRole("MARKETER")
                        .requestMatchers(HttpMethod.DELETE, "/api/segments/**").hasRole("MARKETER")
                        .requestMatchers(HttpMethod.POST, "/api/segments/preview").hasRole("MARKETER")
                        .requestMatchers(HttpMethod.PUT, "/api/templates/**").hasRole("MARKETER")
                        .requestMatchers(HttpMethod.DELETE, "/api/templates/**").hasRole("MARKETER")
                        // the offer catalogue and resetting what the learning decisions learned about an offer
                        .requestMatchers(HttpMethod.PUT, "/api/offers/**").hasRole("MARKETER")
                        .requestMatchers(HttpMethod.DELETE, "/api/offers/**").hasRole("MARKETER")
                        .requestMatchers(HttpMethod.POST, "/api/offers/*/learning/reset").hasRole("MARKETER")
                        // --- end of rules and templates
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        // Prometheus scrapes with a user of the metrics role (viewer and above include it)
                        .requestMatchers("/actuator/prometheus").hasRole("METRICS")
                        .requestMatchers("/m/**").permitAll() // signed unsubscribe and tracking links in messages (channels)
                        .requestMatchers(LOGIN_PAGE, "/console/console.css", "/console/login.js", "/api/console/session").permitAll()
                        // issuing and revoking the event sources' API keys
                        .requestMatchers("/api/event-sources/**").hasRole("ADMIN")
                        // events (identify and alias events merge customers): an event source's API key, the
                        // integration role or admin; people who read or operate the console do not send events
                        .requestMatchers(HttpMethod.POST, "/api/events", "/api/events/batch").hasAnyRole("INTEGRATION", "EVENT_SOURCE")
                        .requestMatchers("/api/events", "/api/events/**").denyAll()
                        // changing or erasing customers
                        .requestMatchers(HttpMethod.PATCH, "/api/customers/**").hasRole("OPERATOR")
                        .requestMatchers(HttpMethod.PUT, "/api/customers/**").hasRole("OPERATOR")
                        .requestMatchers(HttpMethod.DELETE, "/api/customers/**").hasRole("OPERATOR")
                        // deploying journeys, rules and message templates, migrating running customers
                        .requestMatchers(HttpMethod.POST, "/api/journeys/*/migrations").hasRole("MARKETER")
                        // trying a draft journey in a sandbox: a scenario, or a backtest over recorded events
                        .requestMatchers(HttpMethod.POST, "/api/journeys/test", "/api/journeys/backtest").hasRole("MARKETER")
                        // the Camunda REST API, call by call (EngineRestRules); anything it does not name is refused
                        .requestMatchers(EngineRestRules.PREFIX, EngineRestRules.PREFIX + "/**").access(engineRest(roleHierarchy))
                        // acting on running journeys: retries, jobs, messages, instances
                        .requestMatchers(HttpMethod.POST, "/api/console/**").hasRole("OPERATOR")
                        .requestMatchers(HttpMethod.PUT, "/api/console/**").hasRole("OPERATOR")
                        .requestMatchers(HttpMethod.DELETE, "/api/console/**").hasRole("OPERATOR")
                        .requestMatchers(HttpMethod.GET, "/api/console/**").hasRole("VIEWER")
                        // previewing a template renders it for a customer: the marketers' tool
                        .requestMatchers(HttpMethod.POST, "/api/templates/*/preview").hasRole("MARKETER")
                        .requestMatchers(HttpMethod.DELETE, "/api/dev/mailbox").hasRole("OPERATOR")
                        // everything else of the API: reading needs viewer, a change that no rule above names nobody
                        .requestMatchers(HttpMethod.GET, "/api/**").hasRole("VIEWER")
                        .requestMatchers(HttpMethod.HEAD, "/api/**").hasRole("VIEWER")
                        .requestMatchers("/api/**").denyAll()
                        .anyRequest().authenticated())
                .httpBasic(httpBasic -> httpBasic.authenticationEntryPoint(basic))
                // event sources may send X-Api-Key instead of Basic credentials on /api/events*
                .addFilterBefore(apiKeys, BasicAuthenticationFilter.class)
                .formLogin(form -> form.loginPage(LOGIN_PAGE).loginProcessingUrl("/console/login")
                        .defaultSuccessUrl("/console/", true).failureUrl(LOGIN_PAGE + "?error").permitAll())
                .logout(logout -> logout.logoutUrl("/console/logout").logoutSuccessUrl(LOGIN_PAGE + "?signed-out"))
                // a sign-in always lands on the console's start page; no session is made for a refused API call
                .requestCache(cache -> cache.requestCache(new NullRequestCache()))
                .exceptionHandling(errors -> errors
                        .defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint(LOGIN_PAGE), CONSOLE_PAGES)
                        .defaultAuthenticationEntryPointFor(basic, request -> true)
                        .accessDeniedHandler(new ForbiddenAnswer()))
                // a browser session carries a cookie and needs the CSRF token (the console sends it as a header);
                // machine clients send credentials with every request and have no session, so no token
                // security headers are written before the request is handled: Camel answers /api/events on another
                // thread, and writing them afterwards raced with that answer (Tomcat's headers are not thread-safe)
                .headers(headers -> headers.withObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
                    @Override
                    public <O extends HeaderWriterFilter> O postProcess(O filter) {
                        filter.setShouldWriteHeadersEagerly(true);
                        return filter;
                    }
                }))
                .csrf(csrf -> csrf.requireCsrfProtectionMatcher(SecurityConfiguration::browserChange)
                        .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler()))
                .build();
    }

    /** 401 asking for HTTP Basic credentials, as a problem detail. */
    private static void unauthorized(HttpServletRequest request, HttpServletResponse response, AuthenticationException refused)
            throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"Touchpoint\"");
        Problems.write(response, HttpServletResponse.SC_UNAUTHORIZED, "sign in: send HTTP Basic credentials"
                + (request.getRequestURI().startsWith(request.getContextPath() + "/api/events") ? " or an event source's X-Api-Key" : ""));
    }

    /** Allows a Camunda REST call to the role {@link EngineRestRules} names for it (or a higher one); else refuses it. */
    private static AuthorizationManager<RequestAuthorizationContext> engineRest(RoleHierarchy hierarchy) {
        Map<String, AuthorityAuthorizationManager<RequestAuthorizationContext>> byRole = new ConcurrentHashMap<>();
        return (authentication, context) -> {
            HttpServletRequest request = context.getRequest();
            Optional<String> role = EngineRestRules.requiredRole(request.getMethod(), EngineRestRules.pathOf(request));
            if (role.isEmpty()) {
                return new AuthorizationDecision(false);
            }
            return byRole.computeIfAbsent(role.get(), name -> {
                AuthorityAuthorizationManager<RequestAuthorizationContext> manager = AuthorityAuthorizationManager.hasRole(name);
                manager.setRoleHierarchy(hierarchy);
                return manager;
            }).check(authentication, context);
        };
    }

    private static boolean browserChange(HttpServletRequest request) {
        String method = request.getMethod();
        boolean changes = !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS") || method.equals("TRACE"));
        boolean signedLink = request.getRequestURI().startsWith(request.getContextPath() + "/m/"); // carries its own signature
        return changes && !signedLink && (request.getRequestedSessionId() != null || CONSOLE_PAGES.matches(request));
    }

    @Bean
    static RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix()
                .role("ADMIN").implies("MARKETER", "INTEGRATION")
                .role("MARKETER").implies("OPERATOR")
                .role("OPERATOR").implies("VIEWER")
                .role("VIEWER").implies("METRICS")
                .build();
    }

    /**
     * The configured users. Deliberately not a {@code UserDetailsPasswordService}: Spring Security would otherwise
     * "upgrade" each password to BCrypt after the first sign-in and then spend ~100 ms of CPU on every HTTP Basic
     * request. The passwords come from the environment and stay in memory either way.
     */
    @Bean
    UserDetailsService users(ConsoleUsers users) {
        return new InMemoryUserDetailsManager(users.userDetails())::loadUserByUsername;
    }
}
