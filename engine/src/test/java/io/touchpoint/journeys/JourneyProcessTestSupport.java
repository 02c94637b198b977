package io.touchpoint.journeys;

import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.test.mock.Mocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import io.touchpoint.channels.Delivery;
import io.touchpoint.channels.DeliveryLog;
import io.touchpoint.channels.MessageTemplate;
import io.touchpoint.channels.RenderedMessage;
import io.touchpoint.decisions.Decision;
import io.touchpoint.decisions.DecisionRequest;
import io.touchpoint.decisions.DecisionRules;
import io.touchpoint.decisions.RuleBase;
import io.touchpoint.profiles.CustomerProfile;

/**
 * Base of the sample journeys' process tests: the plain engine of process-test.camunda.cfg.xml with the
 * building-block compiler, the real journeyDates, journeySplits, rules (rules/) and sending policy, a recording
 * sender, profiles held in a map instead of Hazelcast, and the engine clock under the test's control. No Spring.
 */
abstract class JourneyProcessTestSupport {

    /** Each test class registers its own engine extension with this configuration. */
    static ProcessEngineExtension engine() {
        return ProcessEngineExtension.builder().configurationResource("process-test.camunda.cfg.xml").build();
    }

    final Map<String, CustomerProfile> profiles = new HashMap<>();
    final List<String> splits = new ArrayList<>();
    final List<String> profileUpdates = new ArrayList<>();
    /** What the journeys sent: "step:channel:template:category". */
    final List<String> sent = new ArrayList<>();
    /** The template variables of each message sent, in the same order. */
    final List<Map<String, Object>> variables = new ArrayList<>();

    @BeforeEach
    void registerBlocks() throws IOException {
        Mocks.register("journeyDates", new ProfileDateWaits(id -> Optional.ofNullable(profiles.get(id))));
        Mocks.register("journeySplits", new JourneySplits((customer, journey, split, variant) -> splits.add(customer + "/" + journey + "/" + split + "=" + variant)));
        Mocks.register("sendMessageDelegate", new SendMessageDelegate(request -> {
            sent.add(request.idempotencyKey().substring(request.idempotencyKey().indexOf(':') + 1) + ":" + request.channel().id()
                    + ":" + request.template() + ":" + request.category());
            variables.add(request.variables());
            return new Delivery(request.idempotencyKey(), DeliveryLog.Status.SENT, null, null);
        }));
        DecisionRules rules = new DecisionRules(new RuleBase(new PathMatchingResourcePatternResolver().getResources("file:../rules/*.drl*")));
        Function<DecisionRequest, Decision> decide = request -> rules.decide(request, profileOf(request.getCustomerId()), List.of(), request.getNow());
        Mocks.register("decideWithRulesDelegate", new DecideWithRulesDelegate(decide));
        Mocks.register("sendPolicyDelegate", new SendPolicyDelegate(decide));
        Mocks.register("updateProfileDelegate", (JavaDelegate) execution -> profileUpdates.add(
                execution.getVariableLocal("attribute") + "=" + execution.getVariableLocal("value")));
    }

    @AfterEach
    void resetBlocks() {
        Mocks.reset();
        ClockUtil.reset();
    }

    static void now(String instant) {
        ClockUtil.setCurrentTime(Date.from(Instant.parse(instant)));
    }

    void profile(String customerId, String timeZone, Map<String, Object> attributes) {
        profiles.put(customerId, new CustomerProfile(customerId, customerId + "@example.com", null, Set.of(), attributes, Map.of(),
                timeZone, null, 1, Instant.EPOCH, Instant.EPOCH));
    }

    /** The customer's profile; one in UTC with an email address and a phone number when the test made none. */
    CustomerProfile profileOf(String customerId) {
        return profiles.getOrDefault(customerId, new CustomerProfile(customerId, customerId + "@example.com", "+4915100000000", Set.of(),
                Map.of(), Map.of(), "UTC", null, 1, Instant.EPOCH, Instant.EPOCH));
    }

    /**
     * The i-th message sent, rendered from its file in workflows/templates/ with exactly the variables the journey
     * passed (plus the customer and the unsubscribe link, as MessageService adds them): strict, so a variable the
     * journey does not provide fails here.
     */
    RenderedMessage rendered(int i, String locale) {
        String template = sent.get(i).split(":")[2];
        try {
            MessageTemplate parsed = MessageTemplate.parse(template, locale,
                    Files.readString(Path.of("../workflows/templates/" + template + "." + locale + ".yaml")));
            Map<String, Object> all = new HashMap<>(variables.get(i));
            all.put("customer", Map.of("id", "c-1", "firstName", "Ada"));
            all.put("unsubscribe_url", "https://example.com/u");
            return parsed.render(all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a journey as an event does. */
    static ProcessInstance start(String message, String customerId, Map<String, Object> properties) {
        return runtimeService().createMessageCorrelation(message).processInstanceBusinessKey(customerId)
                .setVariable(JourneyDispatcher.CUSTOMER_ID, customerId)
                .setVariable(JourneyDispatcher.TRIGGER, Map.of("type", message, "properties", properties))
                .correlateStartMessage();
    }
}
