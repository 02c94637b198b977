package io.touchpoint.system;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Profiles;

/**
 * Refuses to start outside the {@code dev} profile with development passwords: the admin's password must be set,
 * and no user may have one of the passwords the README documents for development. Runs before anything starts
 * (an environment post-processor, after the configuration files are read) and names the variable to set.
 */
public class ProductionSettingsCheck implements EnvironmentPostProcessor, Ordered {

    /** The profile of the README's quick start: documented passwords and the development SMTP sink. */
    public static final String DEVELOPMENT = "dev";
    /** The passwords application-dev.yaml documents, and a few nobody should run with. */
    static final Set<String> DEVELOPMENT_PASSWORDS = Set.of("touchpoint", "marketer", "operator", "viewer", "integration", "admin", "password");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.acceptsProfiles(Profiles.of(DEVELOPMENT))) {
            return;
        }
        List<ConsoleUsers.Account> users = Binder.get(environment)
                .bind("touchpoint.security.users", Bindable.listOf(ConsoleUsers.Account.class)).orElse(List.of());
        List<String> problems = new ArrayList<>();
        for (ConsoleUsers.Account user : users) {
            String role = user.roles() == null || user.roles().isEmpty() ? String.valueOf(user.name()) : user.roles().get(0);
            String variable = "TOUCHPOINT_" + role.toUpperCase(Locale.ROOT) + "_PASSWORD";
            boolean empty = user.password() == null || user.password().isBlank();
            if (empty && "admin".equals(role)) {
                problems.add(variable + " is not set: the admin needs a password");
            } else if (!empty && DEVELOPMENT_PASSWORDS.contains(user.password().trim().toLowerCase(Locale.ROOT))) {
                problems.add(variable + " is a development password: set another one");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Touchpoint does not start with development passwords outside the dev profile (active: "
                    + (environment.getActiveProfiles().length == 0 ? "none" : String.join(",", environment.getActiveProfiles())) + "): " + String.join("; ", problems)
                    + ". To try it out on this machine, start with SPRING_PROFILES_ACTIVE=dev.");
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE; // after the configuration files and profiles are read
    }
}
