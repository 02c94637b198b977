package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.touchpoint.decisions.Decision;
import io.touchpoint.decisions.DecisionLog;
import io.touchpoint.decisions.DecisionRequest;
import io.touchpoint.decisions.DecisionService;
import io.touchpoint.decisions.LearningSettings;
import io.touchpoint.decisions.OfferLearning;
import io.touchpoint.decisions.OfferRewards;

/**
 * Learning offers end to end: the catalogue over the API, the learning decision of rules/next-best-offer.drl with the
 * real rules, catalogue, Hazelcast state and database, rewards from real conversion events, and a journey whose
 * Decide with rules step learns and whose Send message step carries the chosen offer. Synthetic customers convert
 * with known rates; the random draws come from a seeded generator.
 */
class LearningOffersIT extends JourneyEndToEnd {

    private static final String DECISION = "next-best-offer";
    /** B (PERCENT_10) converts twice as often as A and C. */
    private static final Map<String, Double> CONVERSION = Map.of("FREE_SHIPPING", 0.15, "PERCENT_10", 0.30, "GIFT", 0.15);
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final Map<String, String> TEXTS = Map.of("FREE_SHIPPING", "free shipping on your next order",
            "PERCENT_10", "10% off your next order with code THANKS10", "GIFT", "a free gift with your next order");

    @Autowired
    DecisionService decisions;
    @Autowired
    OfferRewards rewards;
    @Autowired
    OfferLearning learning;
    @Autowired
    HazelcastInstance hazelcast;
    @Autowired
    DecisionLog decisionLog;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theCatalogueIsReadByViewersAndChangedByMarketersWithTheBadFieldNamed() throws Exception {
        JsonNode catalogue = json.readTree(as("viewer", "GET", "/api/offers", null).body());
        assertThat(catalogue.get("offers").findValuesAsText("id")).contains("FREE_SHIPPING", "PERCENT_10", "GIFT", "PERCENT_15");

        String offer = """
                {"text": {"en": "a tote bag with your order", "de": "eine Tasche zu Ihrer Bestellung"}, "channels": ["email"],
                 "validFrom": "2026-01-01T00:00:00Z", "validTo": "2030-01-01T00:00:00Z"}""";
        assertThat(as("viewer", "PUT", "/api/offers/TOTE_BAG", offer).statusCode()).isEqualTo(403);
        HttpResponse<String> saved = as("marketer", "PUT", "/api/offers/TOTE_BAG", offer);
        assertThat(saved.statusCode()).isEqualTo(200);
        assertThat(json.readTree(as("viewer", "GET", "/api/offers/TOTE_BAG", null).body()).get("text").get("de").asText())
                .isEqualTo("eine Tasche zu Ihrer Bestellung");
        assertThat(json.readTree(as("viewer", "GET", "/api/offers", null).body()).get("origin").asText()).isEqualTo("api");

        HttpResponse<String> backwards = as("marketer", "PUT", "/api/offers/TOTE_BAG",
                offer.replace("2030-01-01T00:00:00Z", "2025-01-01T00:00:00Z"));
        assertThat(backwards.statusCode()).isEqualTo(400);
        assertThat(backwards.body()).contains("offer.validTo");
        HttpResponse<String> badChannel = as("marketer", "PUT", "/api/offers/TOTE_BAG", offer.replace("[\"email\"]", "[\"fax\"]"));
        assertThat(badChannel.statusCode()).isEqualTo(400);
        assertThat(badChannel.body()).contains("offer.channels", "'fax'");
        HttpResponse<String> noText = as("marketer", "PUT", "/api/offers/TOTE_BAG", "{\"text\": {}}");
        assertThat(noText.body()).contains("offer.text");
        assertThat(as("marketer", "PUT", "/api/offers/bad%20id", offer).body()).contains("offer.id");
        assertThat(json.readTree(as("viewer", "GET", "/api/offers/TOTE_BAG", null).body()).get("validTo").asText())
                .as("a refused change changes nothing").isEqualTo("2030-01-01T00:00:00Z");

        assertThat(as("marketer", "DELETE", "/api/offers/TOTE_BAG", null).statusCode()).isEqualTo(204);
        assertThat(as("viewer", "GET", "/api/offers/TOTE_BAG", null).statusCode()).isEqualTo(404);
    }

    @Test
    void afterTwoThousandDecisionsMostTrafficGoesToTheOfferThatConvertsTwiceAsOftenAndTheHoldoutGetsNone() {
        String segment = "sim-" + UUID.randomUUID();
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            customers.add(customer("sim-" + i + "-" + UUID.randomUUID() + "@example.com", "\"segment\": \"" + segment + "\""));
        }
        LearningSettings settings = LearningSettings.of(Map.of("mode", "learning", "learningContext", "segment",
                "explorationFloor", "5", "holdout", "10", "attributionWindow", WINDOW.toString()));
        Simulation simulation = new Simulation(customers, settings, start.plus(Duration.ofDays(400)));

        simulation.run(1_000);
        Map<List<String>, OfferLearning.Arm> before = stateOf(segment);
        hazelcast.getMap("touchpoint.offer-arms").clear(); // the cluster's learning state is gone, as after a restart of every member
        assertThat(stateOf(segment)).isEmpty();
        learning.loadFromDatabase(); // what every member does when it starts
        assertThat(stateOf(segment)).as("the learning state carried across the restart").isEqualTo(before);
        simulation.run(1_000);

        List<String> last = simulation.offers.subList(simulation.offers.size() - 500, simulation.offers.size());
        long toB = last.stream().filter("PERCENT_10"::equals).count();
        assertThat(toB).as("decisions of the last 500 (after the restart) that chose B").isGreaterThanOrEqualTo(400);
        assertThat(simulation.heldOut).as("holdout decisions, ~10%").isBetween(120, 280);
        assertThat(simulation.offeredToHoldout).as("offers made to the holdout").isZero();
        OfferLearning.Arm b = stateOf(segment).get(List.of(DECISION, segment, "PERCENT_10"));
        assertThat(b.successes() + b.failures()).isGreaterThan(1_200);
    }

    @Test
    void aConversionCreditsTheOfferOnceWithinTheWindowAndNothingAfterIt() throws Exception {
        String segment = "win-" + UUID.randomUUID();
        String email = "win-" + UUID.randomUUID() + "@example.com";
        String customer = customer(email, "\"segment\": \"" + segment + "\"");
        deployProbe();

        event("it_learning_probe", customer, "{}");
        ProcessInstance journey = journey("learningProbe", customer);
        runDueJobs(journey.getId());
        String offer = (String) jdbc.queryForMap("select offer_id from offer_exposure where message_key = ?", journey.getId() + ":Send_Offer").get("offer_id");
        assertThat(offer).isIn(TEXTS.keySet());
        assertThat(emailsTo(email, 1).get(0).getSubject()).as("the offer's text from the catalogue").isEqualTo("We miss you: " + TEXTS.get(offer));
        List<String> arm = List.of(DECISION, segment, offer);

        Instant sent = start;
        conversion(customer, sent.plus(Duration.ofMinutes(30)));
        assertThat(stateOf(segment).get(arm)).as("credited once").isEqualTo(new OfferLearning.Arm(1, 0));
        conversion(customer, sent.plus(Duration.ofMinutes(40)));
        assertThat(stateOf(segment).get(arm)).as("a second conversion for the same message credits nothing").isEqualTo(new OfferLearning.Arm(1, 0));
        assertThat(rewards.sweep(sent.plus(Duration.ofDays(8)))).as("the settled message is no failure").isZero();

        Instant secondSent = start.plus(Duration.ofDays(2)); // the next marketing message the cap of one a day allows, at 10:xx local
        ClockUtil.setCurrentTime(Date.from(secondSent));
        event("it_learning_probe", customer, "{}");
        ProcessInstance second = journey("learningProbe", customer);
        runDueJobs(second.getId());
        String secondOffer = (String) jdbc.queryForMap("select offer_id from offer_exposure where message_key = ?", second.getId() + ":Send_Offer").get("offer_id");
        Instant windowEnds = secondSent.plus(LearningSettings.DEFAULT_WINDOW);
        conversion(customer, windowEnds.plusSeconds(60));
        assertThat(rewards.sweep(windowEnds)).as("the second message's window ended without a conversion").isEqualTo(1);
        OfferLearning.Arm after = stateOf(segment).get(List.of(DECISION, segment, secondOffer));
        assertThat(after.successes()).as("the conversion after the window credits nothing").isEqualTo(secondOffer.equals(offer) ? 1 : 0);
        assertThat(after.failures()).isEqualTo(1);

        DecisionLog.Entry logged = decisionLog.forJourneyRun(journey.getId()).get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> explained = (Map<String, Object>) logged.inputs().get("learning");
        assertThat(explained).containsEntry("chosen", offer).containsKey("eligible");
        assertThat((List<?>) explained.get("offers")).allSatisfy(o -> assertThat(((Map<?, ?>) o).keySet()).map(String::valueOf).contains("offer", "posteriorMean", "sampled"));

        assertThat(as("viewer", "POST", "/api/offers/" + offer + "/learning/reset", "").statusCode()).isEqualTo(403);
        assertThat(as("marketer", "POST", "/api/offers/" + offer + "/learning/reset", "").statusCode()).isEqualTo(204);
        assertThat(stateOf(segment)).doesNotContainKey(arm);
        assertThat(jdbc.queryForObject("select count(*) from offer_arm where offer_id = ?", Integer.class, offer)).isZero();
    }

    @Test
    void theConsoleShowsPerOfferChosenConversionsRateWithInterval() throws Exception {
        String segment = "report-" + UUID.randomUUID();
        List<String> customers = List.of(customer("rep-" + UUID.randomUUID() + "@example.com", "\"segment\": \"" + segment + "\""));
        new Simulation(customers, LearningSettings.of(Map.of("mode", "learning", "learningContext", "segment", "holdout", "20",
                "attributionWindow", "PT1H")), start.plus(Duration.ofDays(800))).run(100);

        JsonNode offers = json.readTree(as("viewer", "GET", "/api/console/offers", null).body());
        List<JsonNode> next = new ArrayList<>();
        offers.forEach(o -> {
            if (o.get("decision").asText().equals(DECISION)) {
                next.add(o);
            }
        });
        assertThat(next).extracting(o -> o.get("offer").asText()).contains("PERCENT_10", "holdout");
        JsonNode b = next.stream().filter(o -> o.get("offer").asText().equals("PERCENT_10")).findFirst().orElseThrow();
        assertThat(b.get("chosen").asLong()).isGreaterThanOrEqualTo(b.get("sent").asLong()).isPositive();
        assertThat(b.get("low").asDouble()).isLessThanOrEqualTo(b.get("rate").asDouble());
        assertThat(b.get("high").asDouble()).isGreaterThanOrEqualTo(b.get("rate").asDouble());
        assertThat(b.has("uplift")).isTrue();
    }

    /** Synthetic customers deciding one after the other; each message converts (or not) within its window, then the window ends. */
    private final class Simulation {
        final List<String> customers;
        final LearningSettings settings;
        final Random random = new Random(7);
        final List<String> offers = new ArrayList<>();
        Instant now;
        int heldOut;
        int offeredToHoldout;
        int decided;

        Simulation(List<String> customers, LearningSettings settings, Instant from) {
            this.customers = customers;
            this.settings = settings;
            this.now = from;
        }

        void run(int count) {
            for (int i = 0; i < count; i++) {
                String customer = customers.get(random.nextInt(customers.size()));
                String message = "sim:" + UUID.randomUUID();
                Decision decision = decisions.decide(DecisionRequest.of(DECISION, customer).journey("simulation", message, "Decide_Offer")
                        .channels(List.of("email")).learning(settings).at(now));
                assertThat(decision.isEligible()).as(decision.summary()).isTrue();
                if (decision.isHeldOut()) {
                    heldOut++;
                    offeredToHoldout += decision.getOfferCode() == null ? 0 : 1;
                    if (random.nextDouble() < 0.10) {
                        rewards.eventArrived(customer, "order_placed", now.plus(Duration.ofMinutes(10)));
                    }
                } else {
                    offers.add(decision.getOfferCode());
                    rewards.sent(message, customer, DecideWithRulesDelegate.results(decision, settings).get("offer") instanceof Map<?, ?> offer
                            ? offer : Map.of(), now);
                    if (random.nextDouble() < CONVERSION.get(decision.getOfferCode())) {
                        rewards.eventArrived(customer, "order_placed", now.plus(Duration.ofMinutes(10)));
                    }
                }
                rewards.sweep(now.plus(WINDOW));
                now = now.plus(WINDOW).plusSeconds(60);
                decided++;
            }
        }
    }

    private Map<List<String>, OfferLearning.Arm> stateOf(String context) {
        Map<List<String>, OfferLearning.Arm> state = new HashMap<>();
        learning.state().forEach((key, arm) -> {
            if (key.get(1).equals(context)) {
                state.put(key, arm);
            }
        });
        return state;
    }

    private void conversion(String customer, Instant at) {
        assertThat(post("/api/events", """
                {"type": "order_placed", "customerId": "%s", "occurredAt": "%s", "properties": {"total": 50}}""".formatted(customer, at))
                .statusCode()).isEqualTo(202);
    }

    private HttpResponse<String> as(String user, String method, String path, String body) {
        HttpRequest.Builder request = request(path).header("Authorization", basic(user, user.equals("admin") ? PASSWORD : user))
                .header("Content-Type", "application/json");
        return send(request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private void deployProbe() {
        deploy("learningProbe", "it_learning_probe", "marketing", """
                <bpmn:serviceTask id="Decide_Offer" camunda:delegateExpression="${decideWithRulesDelegate}">
                  <bpmn:extensionElements><camunda:inputOutput>
                    <camunda:inputParameter name="decision">next-best-offer</camunda:inputParameter>
                    <camunda:inputParameter name="resultVariables">offer</camunda:inputParameter>
                    <camunda:inputParameter name="channels">email</camunda:inputParameter>
                    <camunda:inputParameter name="mode">learning</camunda:inputParameter>
                    <camunda:inputParameter name="learningContext">segment</camunda:inputParameter>
                    <camunda:inputParameter name="explorationFloor">10</camunda:inputParameter>
                    <camunda:inputParameter name="conversionEvent">order_placed</camunda:inputParameter>
                    <camunda:inputParameter name="attributionWindow">P7D</camunda:inputParameter>
                  </camunda:inputOutput></bpmn:extensionElements>
                </bpmn:serviceTask>
                <bpmn:sequenceFlow id="Flow_2" sourceRef="Decide_Offer" targetRef="Send_Offer" />
                <bpmn:serviceTask id="Send_Offer" camunda:asyncBefore="true" camunda:delegateExpression="${sendMessageDelegate}">
                  <bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name="channel">email</camunda:inputParameter>\
                <camunda:inputParameter name="template">win-back-offer</camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements>
                </bpmn:serviceTask>
                <bpmn:sequenceFlow id="Flow_3" sourceRef="Send_Offer" targetRef="End" />
                """, "Decide_Offer");
    }
}
