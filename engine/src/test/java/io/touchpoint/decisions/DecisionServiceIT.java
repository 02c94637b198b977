package io.touchpoint.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.touchpoint.EngineIT;

/** The decision service in the running application: history from delivery_log, the decision log and its API, rule status. */
class DecisionServiceIT extends EngineIT {

    /** Sunday 22 November 2026, 12:00 in Berlin. */
    private static final Instant NOW = Instant.parse("2026-11-22T11:00:00Z");

    @Autowired
    DecisionService decisions;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    RuntimeService runtime;
    @Autowired
    ObjectMapper json;

    @Test
    void capsCountMessagesOfTwoJourneysOnTwoChannelsAndTransactionalMessagesBypassThem() throws Exception {
        String customer = customerInBerlin();
        sent(customer, "cartAbandoned-1:Send_ReminderEmail", "email", "marketing", "2026-11-17T09:00:00Z");
        sent(customer, "priceDrop-7:Send_Sms", "sms", "marketing", "2026-11-19T09:00:00Z");
        sent(customer, "cartAbandoned-2:Send_ReminderEmail", "email", "marketing", "2026-11-21T09:00:00Z");
        sent(customer, "order-3:Send_Receipt", "email", "transactional", "2026-11-22T08:00:00Z");

        Decision deferred = decisions.decide(DecisionRequest.of("reminder", customer).withSendingPolicy().journey("priceDrop", "priceDrop-8", "Decide").at(NOW));
        Decision skipped = decisions.decide(DecisionRequest.of("reminder", customer).withSendingPolicy().whenCapped(WhenCapped.SKIP).at(NOW));
        Decision receipt = decisions.decide(DecisionRequest.of("receipt", customer).withSendingPolicy().category("transactional").at(NOW));

        assertThat(deferred.isEligible()).isTrue();
        assertThat(deferred.getSendAt()).as("the 17th leaves the 7-day window on the 24th, 08:00 Berlin")
                .isEqualTo(Instant.parse("2026-11-24T07:00:00Z"));
        assertThat(skipped.isEligible()).isFalse();
        assertThat(skipped.getReasons()).containsExactly("At most 3 marketing messages in 7 days");
        assertThat(receipt.isEligible()).isTrue();
        assertThat(receipt.getSendAt()).isEqualTo(NOW);

        List<Map<String, Object>> log = decisionsOf(customer);
        assertThat(log).extracting(e -> e.get("decisionName")).containsExactly("receipt", "reminder", "reminder");
        Map<String, Object> why = log.get(2);
        assertThat(why).containsEntry("journey", "priceDrop").containsEntry("journeyInstance", "priceDrop-8").containsEntry("outcome", "DECIDED")
                .containsEntry("eligible", true).containsEntry("channel", "email").containsEntry("sendAt", "2026-11-24T07:00:00Z");
        assertThat((List<String>) why.get("reasons")).contains("At most 3 marketing messages in 7 days");
        assertThat((List<String>) why.get("firedRules")).contains("At most 1 marketing message a day");
        Map<String, Object> inputs = (Map<String, Object>) why.get("inputs");
        assertThat(inputs).containsEntry("timeZone", "Europe/Berlin").containsEntry("category", "marketing");
        assertThat((List<?>) inputs.get("sentLast32Days")).hasSize(4);
    }

    @Test
    void aDecisionForAnUnknownCustomerIsARecordedNoDecisionNotAnException() throws Exception {
        String stranger = "nobody-" + UUID.randomUUID();

        Decision decision = decisions.decide(DecisionRequest.of("reminder", stranger).withSendingPolicy().at(NOW));

        assertThat(decision.getOutcome()).isEqualTo(Decision.Outcome.NO_DECISION);
        assertThat(decisionsOf(stranger)).singleElement().satisfies(entry -> {
            assertThat(entry).containsEntry("outcome", "NO_DECISION").containsEntry("eligible", false);
            assertThat(entry.get("reasons").toString()).contains("no profile for '" + stranger + "'");
        });
    }

    @Test
    void theAbandonedCartJourneyRecordsWhyItsOfferWasChosen() throws Exception {
        String customer = "c-" + UUID.randomUUID();
        post("/api/events", """
                {"type": "cart_abandoned", "customerId": "%s", "identities": {"email": "ada@example.com"},
                 "properties": {"items": [{"name": "Linen dress", "quantity": 1, "price": 129.00}], "total": 129.00}}
                """.formatted(customer));
        String journey = runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).singleResult().getId();

        runAllJobs(journey);

        assertThat(decisionsOf(customer)).extracting(entry -> entry.get("decisionName"), entry -> entry.get("step"))
                .as("the offer, then the sending policy of the Send message step").containsExactly(
                        org.assertj.core.groups.Tuple.tuple("send-message", "Send_ReminderEmail_DecideSendTime"),
                        org.assertj.core.groups.Tuple.tuple("abandoned-cart-offer", "Decide_Offer"));
        assertThat(decisionsOf(customer)).filteredOn(entry -> "abandoned-cart-offer".equals(entry.get("decisionName"))).singleElement().satisfies(entry -> {
            assertThat(entry).containsEntry("decisionName", "abandoned-cart-offer").containsEntry("journey", "abandonedCart")
                    .containsEntry("journeyInstance", journey).containsEntry("step", "Decide_Offer")
                    .containsEntry("offerCode", "PERCENT_10").containsEntry("channel", "email");
            assertThat((List<String>) entry.get("reasons")).contains("Carts over 100 get 10% off");
        });
    }

    @Test
    void theRuleStatusListsTheRunningRuleFilesAndNeedsCredentials() throws Exception {
        Map<String, Object> status = json.readValue(get("/api/rules/status").body(), new TypeReference<>() { });

        assertThat(status).containsEntry("state", "RUNNING");
        assertThat((List<String>) status.get("files"))
                .contains("eligibility.drl", "offer.drl", "channel.drl.csv", "caps.drl.csv", "quiet-hours.drl.csv");
        assertThat((Integer) status.get("rules")).isGreaterThanOrEqualTo(20);
        assertThat(send(request("/api/rules/status").GET().build()).statusCode()).isEqualTo(401);
        assertThat(send(request("/api/customers/c-1/decisions").GET().build()).statusCode()).isEqualTo(401);
    }

    private String customerInBerlin() {
        String customer = "c-" + UUID.randomUUID();
        assertThat(post("/api/events", """
                {"type": "profile_updated", "customerId": "%s", "identities": {"email": "ada@example.com", "phone": "+4915112345678"},
                 "properties": {"timeZone": "Europe/Berlin"}}
                """.formatted(customer)).statusCode()).isEqualTo(202);
        return customer;
    }

    private void sent(String customer, String key, String channel, String category, String at) {
        Timestamp when = Timestamp.from(Instant.parse(at));
        jdbc.update("insert into delivery_log (idempotency_key, customer_id, channel, template, category, status, created_at, updated_at) "
                + "values (?, ?, ?, 'test', ?, 'SENT', ?, ?)", key + "-" + customer, customer, channel, category, when, when);
    }

    private List<Map<String, Object>> decisionsOf(String customer) throws Exception {
        var response = get("/api/customers/" + customer + "/decisions");
        assertThat(response.statusCode()).isEqualTo(200);
        return json.readValue(response.body(), new TypeReference<>() { });
    }
}
