package io.touchpoint.system;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * The people and systems that may sign in, from {@code touchpoint.security.users}: a name, a password (from the
 * environment; the development defaults are documented in README.md) and roles: viewer, operator, marketer, admin.
 */
@ConfigurationProperties(prefix = "touchpoint.security")
public class ConsoleUsers {

    /** One user: name, password and roles (each role includes the ones below it). */
    public record Account(String name, String password, List<String> roles) {
    }

    private List<Account> users = new ArrayList<>();

    public List<Account> getUsers() {
        return users;
    }

    public void setUsers(List<Account> users) {
        this.users = users;
    }

    /** The accounts with a name and a password; one left without a password (env set empty) cannot sign in. */
    List<UserDetails> userDetails() {
        return users.stream()
                .filter(user -> user.name() != null && !user.name().isBlank() && user.password() != null && !user.password().isBlank())
                .map(user -> User.withUsername(user.name())
                        .password("{noop}" + user.password())
                        .roles(user.roles().stream().map(String::toUpperCase).toArray(String[]::new))
                        .build())
                .toList();
    }
}
