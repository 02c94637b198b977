package io.touchpoint.decisions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import io.touchpoint.profiles.CustomerProfile;

/** Fact fixtures for the rule tests: the real rule files from rules/, a profile builder and sent messages. */
final class RuleFixtures {

    /** The rule files as packaged (a copy of rules/ made by the build). */
    static final RuleBase RULES = compile("classpath:touchpoint/rules/");

    private RuleFixtures() {
    }

    static RuleBase compile(String location) {
        try {
            PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
            List<Resource> files = new ArrayList<>();
            for (String pattern : new String[] {"*.drl", "*.drl.csv", "*.drl.xlsx"}) {
                files.addAll(Arrays.asList(resolver.getResources(location + pattern)));
            }
            return new RuleBase(files.toArray(Resource[]::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Decision decide(DecisionRequest request, CustomerProfile profile, List<ContactHistory.Contact> sent, Instant now) {
        return new DecisionRules(RULES).decide(request, profile, sent, now);
    }

    static Decision decide(DecisionRequest request, CustomerProfile profile, Instant now) {
        return decide(request, profile, List.of(), now);
    }

    static ContactHistory.Contact sent(String channel, String category, String at) {
        return new ContactHistory.Contact(channel, category, Instant.parse(at));
    }

    static Map<String, Object> cart(Object total) {
        return Map.of("type", "cart_abandoned", "properties", Map.of("total", total, "items", List.of(Map.of("name", "Dress", "price", total))));
    }

    static Profile customer() {
        return new Profile();
    }

    /** A profile under construction: email and phone known, everything consented, time zone UTC. */
    static final class Profile {
        private String email = "ada@example.com";
        private String phone = "+4915112345678";
        private String zone = "UTC";
        private final Map<String, Object> attributes = new HashMap<>();
        private final Map<String, Boolean> consents = new HashMap<>();

        Profile zone(String timeZone) {
            this.zone = timeZone;
            return this;
        }

        Profile noEmail() {
            this.email = null;
            return this;
        }

        Profile noPhone() {
            this.phone = null;
            return this;
        }

        Profile attribute(String name, Object value) {
            attributes.put(name, value);
            return this;
        }

        /** "email": false refuses the channel; "email.marketing": false refuses the purpose. */
        Profile consent(String key, boolean given) {
            consents.put(key, given);
            return this;
        }

        CustomerProfile build() {
            return new CustomerProfile("c-1", email, phone, Set.of(), attributes, consents, zone, "en", 1, Instant.EPOCH, Instant.EPOCH);
        }
    }
}
