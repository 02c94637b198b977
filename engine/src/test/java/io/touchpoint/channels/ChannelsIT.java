package io.touchpoint.channels;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import io.touchpoint.EngineIT;
import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.profiles.ProfileService;

/**
 * Base of the channel tests: the whole application with GreenMail as SMTP and {@link ProviderStub} in place of
 * Twilio, the push gateway and the webhook receiver. Subclasses share one Spring context. Its process engine has a
 * name of its own: the Camunda REST API of the other test contexts finds "default" in Camunda's JVM-wide registry.
 */
@TestPropertySource(properties = "camunda.bpm.process-engine-name=channelsTest")
abstract class ChannelsIT extends EngineIT {

    static final ProviderStub PROVIDERS = new ProviderStub();
    static final String TWILIO_ACCOUNT = "ACtest0001";
    static final String TWILIO_TOKEN = "stub-auth-token";
    static final double SMS_PER_SECOND = 4;

    @Autowired
    protected MessageService messages;
    @Autowired
    protected DeliveryLog deliveries;
    @Autowired
    protected ProfileService profiles;

    @DynamicPropertySource
    static void providers(DynamicPropertyRegistry registry) {
        registry.add("touchpoint.channels.sms.url", PROVIDERS::url);
        registry.add("touchpoint.channels.sms.account-sid", () -> TWILIO_ACCOUNT);
        registry.add("touchpoint.channels.sms.auth-token", () -> TWILIO_TOKEN);
        registry.add("touchpoint.channels.whatsapp.url", PROVIDERS::url);
        registry.add("touchpoint.channels.whatsapp.account-sid", () -> TWILIO_ACCOUNT);
        registry.add("touchpoint.channels.whatsapp.auth-token", () -> TWILIO_TOKEN);
        registry.add("touchpoint.channels.push.url", () -> PROVIDERS.url() + "/push");
        registry.add("touchpoint.channels.webhook.url", () -> PROVIDERS.url() + "/webhook");
        registry.add("touchpoint.channels.rate-limits.sms", () -> SMS_PER_SECOND);
    }

    @BeforeEach
    void resetProviders() {
        PROVIDERS.reset();
    }

    /** A new customer made through the event API, with the given identities, traits and consents. */
    protected String customer(String email, String phone, Map<String, Object> traits, Map<String, Boolean> consents) {
        String id = "c-" + UUID.randomUUID();
        String identities = (email == null ? "" : "\"email\": \"" + email + "\"")
                + (email != null && phone != null ? ", " : "") + (phone == null ? "" : "\"phone\": \"" + phone + "\"");
        String event = """
                {"type": "profile_updated", "customerId": "%s", "identities": {%s},
                 "properties": {"traits": %s, "consents": %s}}""".formatted(id, identities, json(traits), json(consents));
        if (post("/api/events", event).statusCode() != 202) {
            throw new IllegalStateException("customer not created: " + event);
        }
        return id;
    }

    protected CustomerProfile profile(String customerId) {
        return profiles.find(customerId).orElseThrow();
    }

    protected static String key() {
        return "test-" + UUID.randomUUID() + ":Send_Step";
    }

    private static String json(Map<String, ?> values) {
        StringBuilder out = new StringBuilder("{");
        values.forEach((k, v) -> out.append(out.length() > 1 ? ", " : "").append('"').append(k).append("\": ")
                .append(v instanceof String ? "\"" + v + "\"" : String.valueOf(v)));
        return out.append('}').toString();
    }
}
