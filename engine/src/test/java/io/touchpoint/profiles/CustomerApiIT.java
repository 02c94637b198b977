package io.touchpoint.profiles;

import static io.touchpoint.profiles.ProfilesIT.cartAbandoned;
import static io.touchpoint.profiles.ProfilesIT.customerIdIn;
import static io.touchpoint.profiles.ProfilesIT.newCustomer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.hazelcast.core.HazelcastInstance;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.touchpoint.EngineIT;

/** The customer API over HTTP: read, look up, patch attributes, replace consents, erase. */
class CustomerApiIT extends EngineIT {

    @Autowired
    ProfileService profiles;
    @Autowired
    HazelcastInstance hazelcast;
    @Autowired
    RuntimeService runtime;
    @Autowired
    HistoryService history;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anUnknownCustomerIs404() {
        HttpResponse<String> response = get("/api/customers/c-nobody");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("no customer 'c-nobody'");
        assertThat(patch("/api/customers/c-nobody/attributes", "{\"firstName\": \"X\"}").statusCode()).isEqualTo(404);
        assertThat(put("/api/customers/c-nobody/consents", "{\"email\": true}").statusCode()).isEqualTo(404);
        assertThat(profiles.find("c-nobody")).as("an edit creates no customer").isEmpty();
    }

    @Test
    void aCustomerIsFoundByIdByEmailAndByPhone() {
        String customer = newCustomer();
        post("/api/events", """
                {"type": "signed_up", "customerId": "%s", "identities": {"email": "%s@example.com", "phone": "+4915100000001"},
                 "properties": {"traits": {"firstName": "Kim"}, "timeZone": "Europe/Berlin", "locale": "de-DE"}}""".formatted(customer, customer));

        assertThat(get("/api/customers/" + customer).body()).contains("\"firstName\":\"Kim\"").contains("\"timeZone\":\"Europe/Berlin\"")
                .contains("\"contactHistory\":[]");
        assertThat(get("/api/customers?email=" + customer.toUpperCase() + "@EXAMPLE.com").body()).contains("\"customerId\":\"" + customer + "\"");
        assertThat(get("/api/customers?phone=%2B4915100000001").body()).contains("\"customerId\":\"" + customer + "\"");
        assertThat(get("/api/customers?email=nobody@example.com").statusCode()).isEqualTo(404);
        assertThat(get("/api/customers").statusCode()).isEqualTo(400);
    }

    @Test
    void patchingAttributesSetsAndRemovesThemAndRefusesAWrongTypeNamingTheAttribute() {
        String customer = newCustomer();
        post("/api/events", "{\"type\": \"signed_up\", \"customerId\": \"%s\", \"properties\": {\"traits\": {\"firstName\": \"Lu\", \"plan\": \"free\"}}}".formatted(customer));

        HttpResponse<String> patched = patch("/api/customers/" + customer + "/attributes", """
                {"birthday": "1985-02-03", "plan": null, "tags": ["a", "b"]}""");
        HttpResponse<String> wrong = patch("/api/customers/" + customer + "/attributes", """
                {"firstName": 7, "lastName": "Ok"}""");

        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(profiles.find(customer).orElseThrow().attributes()).containsEntry("firstName", "Lu").containsEntry("birthday", "1985-02-03")
                .containsEntry("tags", List.of("a", "b")).doesNotContainKey("plan").doesNotContainKey("lastName");
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("attributes.firstName").contains("must be a string");
    }

    @Test
    void puttingConsentsReplacesThemAndRefusesANonBoolean() {
        String customer = newCustomer();
        post("/api/events", "{\"type\": \"signed_up\", \"customerId\": \"%s\", \"properties\": {\"consents\": {\"sms\": false}}}".formatted(customer));

        assertThat(put("/api/customers/" + customer + "/consents", "{\"email.marketing\": false, \"push\": true}").statusCode()).isEqualTo(200);
        HttpResponse<String> wrong = put("/api/customers/" + customer + "/consents", "{\"email\": \"yes\"}");

        CustomerProfile profile = profiles.find(customer).orElseThrow();
        assertThat(profile.consents()).containsOnlyKeys("email.marketing", "push");
        assertThat(profile.consentsTo("email", CustomerProfile.MARKETING)).isFalse();
        assertThat(profile.consentsTo("email", CustomerProfile.TRANSACTIONAL)).isTrue();
        assertThat(wrong.statusCode()).isEqualTo(400);
        assertThat(wrong.body()).contains("consents.email");
    }

    @Test
    void erasingACustomerRemovesTheProfileHistoriesAndJourneysEverywhereAndIsSafeToRepeat() {
        String customer = newCustomer();
        post("/api/events", cartAbandoned(customer, customer + "@example.com"));
        runAllJobs(runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).singleResult().getId());
        await().atMost(Duration.ofSeconds(30)).until(() -> SMTP.getReceivedMessages().length == 1);
        post("/api/events", cartAbandoned(customer, customer + "@example.com"));
        List<String> journeyIds = history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(customer).list()
                .stream().map(h -> h.getId()).toList();
        assertThat(journeyIds).hasSize(2);
        assertThat(get("/api/customers/" + customer).body()).as("the contact history shows the email").contains("\"channel\":\"email\"");

        HttpResponse<String> erased = delete("/api/customers/" + customer);

        assertThat(erased.statusCode()).isEqualTo(200);
        assertThat(erased.body()).contains("\"profiles\":1").contains("\"events\":2").contains("\"messages\":1")
                .contains("\"journeysTerminated\":1").contains("\"journeyHistoriesRemoved\":2");
        assertThat(hazelcast.getMap(ProfileService.MAP_NAME).localKeySet()).doesNotContain(customer);
        for (String table : List.of("customer_profile", "customer_identity", "customer_event", "delivery_log")) {
            assertThat(jdbc.queryForObject("select count(*) from " + table + " where customer_id = ?", Integer.class, customer)).as(table).isZero();
        }
        assertThat(runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).count()).isZero();
        assertThat(history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(customer).count()).isZero();
        for (String journeyId : journeyIds) {
            assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(journeyId).count()).isZero();
        }
        assertThat(history.createHistoricVariableInstanceQuery().processInstanceIdIn(journeyIds.toArray(String[]::new)).count()).isZero();
        assertThat(get("/api/customers/" + customer).statusCode()).isEqualTo(404);
        assertThat(get("/api/customers?email=" + customer + "@example.com").statusCode()).isEqualTo(404);

        HttpResponse<String> again = delete("/api/customers/" + customer);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("\"profiles\":0").contains("\"events\":0").contains("\"journeyHistoriesRemoved\":0");
    }

    @Test
    void erasingASurvivorAlsoErasesTheCustomersMergedIntoIt() {
        String survivor = newCustomer();
        String mergedAway = newCustomer();
        post("/api/events", "{\"type\": \"signed_up\", \"customerId\": \"%s\"}".formatted(survivor));
        post("/api/events", "{\"type\": \"signed_up\", \"customerId\": \"%s\", \"identities\": {\"email\": \"%s@example.com\"}}".formatted(mergedAway, mergedAway));
        customerIdIn(post("/api/events", "{\"type\": \"alias\", \"customerId\": \"%s\", \"properties\": {\"previousId\": \"%s\"}}".formatted(survivor, mergedAway)));

        HttpResponse<String> erased = delete("/api/customers/" + mergedAway);

        assertThat(erased.body()).contains("\"customerId\":\"" + survivor + "\"").contains("\"events\":3").contains("\"mergeRecords\":1");
        assertThat(get("/api/customers/" + survivor).statusCode()).isEqualTo(404);
        assertThat(get("/api/customers/" + mergedAway).statusCode()).isEqualTo(404);
        assertThat(jdbc.queryForObject("select count(*) from customer_identity where identity_value = ?", Integer.class, mergedAway + "@example.com")).isZero();
    }

    @Test
    void theCustomerApiNeedsCredentials() {
        assertThat(send(request("/api/customers/c-1").GET().build()).statusCode()).isEqualTo(401);
        assertThat(send(request("/api/customers/c-1").DELETE().build()).statusCode()).isEqualTo(401);
    }

    private HttpResponse<String> patch(String path, String json) {
        return send(authorized(path).method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private HttpResponse<String> put(String path, String json) {
        return send(authorized(path).PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private HttpResponse<String> delete(String path) {
        return send(authorized(path).DELETE().build());
    }

    private HttpRequest.Builder authorized(String path) {
        return request(path).header("Authorization", basic(USER, PASSWORD)).header("Content-Type", "application/json");
    }
}
