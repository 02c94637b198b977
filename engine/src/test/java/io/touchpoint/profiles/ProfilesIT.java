package io.touchpoint.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.touchpoint.EngineIT;
import io.touchpoint.journeys.JourneyDispatcher;

/** Profiles fed by events through the real routes: identity resolution, typed attributes, traits, concurrency, merges. */
class ProfilesIT extends EngineIT {

    @Autowired
    ProfileService profiles;
    @Autowired
    RuntimeService runtime;
    @Autowired
    HistoryService history;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anAnonymousVisitorWhoLaterGivesAnEmailHasOneProfile() {
        String anonymousId = "a-" + UUID.randomUUID();
        String first = customerIdIn(post("/api/events", """
                {"type": "page_viewed", "identities": {"anonymousId": "%s"}}""".formatted(anonymousId)));
        String second = customerIdIn(post("/api/events", """
                {"type": "newsletter_signup", "identities": {"anonymousId": "%s", "email": "Ivy@Example.com"}}""".formatted(anonymousId)));

        assertThat(second).isEqualTo(first);
        CustomerProfile profile = profiles.find(first).orElseThrow();
        assertThat(profile.eventCount()).isEqualTo(2);
        assertThat(profile.email()).isEqualTo("ivy@example.com");
        assertThat(profile.anonymousIds()).containsExactly(anonymousId);
        assertThat(profiles.findByIdentity("email", "ivy@example.com")).map(CustomerProfile::customerId).hasValue(first);
    }

    @Test
    void anAttributeOfTheWrongTypeIsRefusedNamingItAndNothingIsRecorded() {
        String customer = newCustomer();
        HttpResponse<String> response = post("/api/events", """
                {"eventId": "%s-1", "type": "profile_updated", "customerId": "%s", "properties": {"traits": {"birthday": "next tuesday"}}}"""
                .formatted(customer, customer));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("properties.traits.birthday").contains("must be a date");
        assertThat(profiles.find(customer)).isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from customer_event where customer_id = ?", Integer.class, customer)).isZero();
    }

    @Test
    void typedAttributesKeepTheirTypes() {
        String customer = newCustomer();
        post("/api/events", """
                {"type": "profile_updated", "customerId": "%s", "properties": {"traits":
                  {"firstName": "Jo", "birthday": "1990-05-01", "shoeSize": 42.5, "vip": true, "interests": ["linen", "shoes"]}}}"""
                .formatted(customer));

        assertThat(profiles.find(customer).orElseThrow().attributes())
                .containsEntry("firstName", "Jo").containsEntry("birthday", "1990-05-01").containsEntry("shoeSize", 42.5)
                .containsEntry("vip", true).containsEntry("interests", List.of("linen", "shoes"));
    }

    @Test
    void ordersKeepTheComputedTraitsUpToDate() {
        String customer = newCustomer();
        post("/api/events", order(customer, "2026-11-20T10:00:00Z", 40.10));
        post("/api/events", order(customer, "2026-11-21T10:00:00Z", 59.90));
        post("/api/events", """
                {"type": "page_viewed", "customerId": "%s", "occurredAt": "2026-11-22T10:00:00Z"}""".formatted(customer));

        ComputedTraits traits = profiles.find(customer).orElseThrow().computedTraits();
        assertThat(traits.orderCount()).isEqualTo(2);
        assertThat(traits.lastOrderAt()).isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));
        assertThat(traits.lifetimeValue()).isEqualByComparingTo("100.00");
        assertThat(traits.firstSeenAt()).isEqualTo(Instant.parse("2026-11-20T10:00:00Z"));
        assertThat(traits.lastSeenAt()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
    }

    @Test
    void theRecentEventHistoryKeepsTheNewestTwenty() {
        String customer = newCustomer();
        for (int day = 1; day <= 25; day++) {
            profiles.apply(customer, update("ev-" + day, "page_viewed", Instant.parse("2026-11-01T10:00:00Z").plusSeconds(day * 86_400L), null));
        }

        List<RecentEvent> recent = profiles.find(customer).orElseThrow().recentEvents();
        assertThat(recent).hasSize(20);
        assertThat(recent.get(0).eventId()).isEqualTo("ev-25");
        assertThat(recent.get(19).eventId()).isEqualTo("ev-6");
    }

    @Test
    void anEventAppliedAgainCountsOnce() {
        String customer = newCustomer();
        ProfileUpdate order = update("order-once", "order_placed", Instant.parse("2026-11-21T10:00:00Z"), new BigDecimal("40.00"));

        profiles.apply(customer, order);
        profiles.apply(customer, order); // the intake retried after its transaction failed

        CustomerProfile profile = profiles.find(customer).orElseThrow();
        assertThat(profile.eventCount()).isEqualTo(1);
        assertThat(profile.computedTraits().orderCount()).isEqualTo(1);
        assertThat(profile.computedTraits().lifetimeValue()).isEqualByComparingTo("40.00");
    }

    @Test
    void concurrentEventsForOneCustomerLoseNoUpdate() throws Exception {
        String customer = newCustomer();
        int threads = 8;
        int eventsPerThread = 250;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                for (int i = 0; i < eventsPerThread; i++) {
                    profiles.apply(customer, update(thread + "-" + i, "order_placed", Instant.now(), new BigDecimal("1.25")));
                }
            }));
        }
        for (Future<?> each : done) {
            each.get();
        }
        pool.shutdown();

        CustomerProfile profile = profiles.find(customer).orElseThrow();
        assertThat(profile.eventCount()).isEqualTo(threads * eventsPerThread);
        assertThat(profile.computedTraits().orderCount()).isEqualTo(threads * eventsPerThread);
        assertThat(profile.computedTraits().lifetimeValue()).isEqualByComparingTo("2500.00");
        assertThat(jdbc.queryForObject("select profile_json from customer_profile where customer_id = ?", String.class, customer))
                .as("written through to the database").contains("\"eventCount\":2000");
    }

    @Test
    void anAliasMergesTwoKnownCustomersAndTheWaitingJourneyContinuesUnderTheSurvivor() {
        String survivor = newCustomer();
        String mergedAway = newCustomer();
        post("/api/events", """
                {"type": "signed_up", "customerId": "%s", "identities": {"email": "%s@example.com"},
                 "properties": {"traits": {"firstName": "Old name"}, "consents": {"sms": false}}}""".formatted(survivor, survivor));
        post("/api/events", cartAbandoned(mergedAway, mergedAway + "@example.com"));
        post("/api/events", """
                {"type": "profile_updated", "customerId": "%s", "properties": {"traits": {"firstName": "New name"}}}""".formatted(mergedAway));
        ProcessInstance journey = runtime.createProcessInstanceQuery().processInstanceBusinessKey(mergedAway).singleResult();

        HttpResponse<String> alias = post("/api/events", """
                {"type": "alias", "customerId": "%s", "properties": {"previousId": "%s"}}""".formatted(survivor, mergedAway));

        assertThat(alias.statusCode()).isEqualTo(202);
        CustomerProfile merged = profiles.find(survivor).orElseThrow();
        assertThat(merged.identities().get("email")).containsExactlyInAnyOrder(survivor + "@example.com", mergedAway + "@example.com");
        assertThat(merged.attributes()).as("the newer value wins").containsEntry("firstName", "New name");
        assertThat(merged.consents()).containsEntry("sms", false);
        assertThat(merged.eventCount()).isEqualTo(4);
        assertThat(merged.mergedIds()).containsExactly(mergedAway);
        assertThat(profiles.find(mergedAway)).map(CustomerProfile::customerId).hasValue(survivor);
        assertThat(profiles.findByIdentity("email", mergedAway + "@example.com")).map(CustomerProfile::customerId).hasValue(survivor);
        assertThat(runtime.createProcessInstanceQuery().processInstanceId(journey.getId()).singleResult().getBusinessKey()).isEqualTo(survivor);
        assertThat(runtime.getVariable(journey.getId(), JourneyDispatcher.CUSTOMER_ID)).isEqualTo(survivor);

        assertThat(customerIdIn(post("/api/events", """
                {"type": "order_placed", "customerId": "%s", "properties": {"total": 10}}""".formatted(survivor)))).isEqualTo(survivor);

        assertThat(runtime.createProcessInstanceQuery().processInstanceId(journey.getId()).count()).as("the journey has ended").isZero();
        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(journey.getId()).activityId("End_Converted").count()).isOne();
        assertThat(customerIdIn(post("/api/events", """
                {"type": "page_viewed", "customerId": "%s"}""".formatted(mergedAway)))).as("the old id now names the survivor").isEqualTo(survivor);
    }

    @Test
    void anIdentifyThatNamesAnotherCustomersAnonymousIdMergesItIntoTheIdentifiedCustomer() {
        String anonymousId = "a-" + UUID.randomUUID();
        String visitor = customerIdIn(post("/api/events", """
                {"type": "page_viewed", "identities": {"anonymousId": "%s"}}""".formatted(anonymousId)));
        String user = newCustomer();

        post("/api/events", """
                {"type": "identify", "customerId": "%s", "identities": {"anonymousId": "%s", "email": "%s@example.com"}}"""
                .formatted(user, anonymousId, user));

        CustomerProfile profile = profiles.find(user).orElseThrow();
        assertThat(profile.anonymousIds()).containsExactly(anonymousId);
        assertThat(profile.eventCount()).isEqualTo(2);
        assertThat(profiles.find(visitor)).map(CustomerProfile::customerId).hasValue(user);
        assertThat(profiles.findByIdentity("anonymousId", anonymousId)).map(CustomerProfile::customerId).hasValue(user);
    }

    @Test
    void anAliasOfACustomerToItselfIsRefused() {
        String customer = newCustomer();
        post("/api/events", "{\"type\": \"signed_up\", \"customerId\": \"%s\"}".formatted(customer));

        HttpResponse<String> response = post("/api/events", """
                {"type": "alias", "customerId": "%s", "properties": {"previousId": "%s"}}""".formatted(customer, customer));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("properties.previousId").contains("cannot be merged into itself");
        assertThat(profiles.find(customer).orElseThrow().eventCount()).isEqualTo(1);
    }

    @Test
    void aMergeThatFailsHalfWayLeavesBothCustomersAsTheyWere() {
        String survivor = newCustomer();
        String mergedAway = newCustomer();
        post("/api/events", "{\"type\": \"signed_up\", \"customerId\": \"%s\", \"identities\": {\"email\": \"%s@example.com\"}}".formatted(survivor, survivor));
        post("/api/events", cartAbandoned(mergedAway, mergedAway + "@example.com"));
        String journey = runtime.createProcessInstanceQuery().processInstanceBusinessKey(mergedAway).singleResult().getId();
        // the database fails the merge record, written after the rows, the identities and the journeys moved
        jdbc.execute("alter table customer_merge add constraint merge_probe check (merged_id <> '" + mergedAway + "')");
        try {
            HttpResponse<String> alias = post("/api/events", """
                    {"type": "alias", "customerId": "%s", "properties": {"previousId": "%s"}}""".formatted(survivor, mergedAway));

            assertThat(alias.statusCode()).as("the database failed the merge halfway").isGreaterThanOrEqualTo(500);
        } finally {
            jdbc.execute("alter table customer_merge drop constraint merge_probe");
        }
        assertThat(profiles.find(mergedAway)).map(CustomerProfile::customerId).hasValue(mergedAway);
        assertThat(profiles.find(survivor).orElseThrow().mergedIds()).isEmpty();
        assertThat(profiles.findByIdentity("email", mergedAway + "@example.com")).map(CustomerProfile::customerId).hasValue(mergedAway);
        assertThat(jdbc.queryForObject("select count(*) from customer_merge where merged_id = ?", Integer.class, mergedAway)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from customer_event where customer_id = ?", Integer.class, mergedAway)).isOne();
        assertThat(runtime.createProcessInstanceQuery().processInstanceId(journey).singleResult().getBusinessKey()).isEqualTo(mergedAway);
        assertThat(customerIdIn(post("/api/events", "{\"type\": \"page_viewed\", \"customerId\": \"%s\"}".formatted(mergedAway))))
                .as("the entries are not left locked").isEqualTo(mergedAway);
    }


    static ProfileUpdate update(String eventId, String type, Instant occurredAt, BigDecimal total) {
        Map<String, Object> properties = total == null ? Map.of() : Map.of("total", total);
        return ProfileUpdate.of(Map.of(), properties, Instant.now()).forEvent(eventId, type, occurredAt);
    }

    static String newCustomer() {
        return "c-" + UUID.randomUUID();
    }

    static String customerIdIn(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return response.body().replaceAll(".*\"customerId\":\"([^\"]+)\".*", "$1");
    }

    static String order(String customer, String at, double total) {
        return """
                {"type": "order_placed", "customerId": "%s", "occurredAt": "%s", "properties": {"orderId": "o-%s", "total": %s}}"""
                .formatted(customer, at, at, total);
    }

    static String cartAbandoned(String customer, String email) {
        return """
                {"type": "cart_abandoned", "customerId": "%s", "identities": {"email": "%s"},
                 "properties": {"cartId": "k-1", "items": [{"sku": "D-1", "name": "Linen dress", "quantity": 1, "price": 129.0}], "total": 129.0}}
                """.formatted(customer, email);
    }
}
