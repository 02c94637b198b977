package io.touchpoint.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;

import io.touchpoint.decisions.RuleBase;
import io.touchpoint.journeys.AbandonedCartJourneyIT;

/**
 * The five operator tasks of issue 17 in a real headless Chromium on seeded data, each checking what the page shows
 * against the engine (Camunda's runtime and history, decision_log, delivery_log, journey_goal, the rule base), with an
 * axe-core check on every page visited. Writes the README's screenshots.
 */
class ConsoleTasksIT extends ConsoleIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CART = "abandonedCart";
    private static final String TIMER = "Timer_WaitBeforeReminder";

    @Autowired
    HistoryService history;
    @Autowired
    RuleBase rules;

    @Test
    void fromAnEmailAddressToTheCustomersJourneysDecisionsAndMessages() throws Exception {
        String customer = AbandonedCartJourneyIT.newCustomer();
        String email = "Ada.Lovelace-" + UUID.randomUUID().toString().substring(0, 8) + "@Example.com";
        post("/api/events", """
                {"type": "profile_updated", "customerId": "%s", "identities": {"email": "%s"},
                 "properties": {"traits": {"firstName": "Ada", "lastName": "Lovelace"}}}""".formatted(customer, email));
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(customer, email, 129.0));
        String finished = runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).singleResult().getId();
        fireTimers(finished);
        runAllJobs(finished);

        try (Browser browser = new Browser(port)) {
            browser.signIn("operator", "operator");
            browser.open("/console/#/customers");
            browser.waitFor(By.id("customer-query")).sendKeys(email.substring(0, 16).toLowerCase() + "\n");
            browser.waitFor(By.id("customer-decisions"));
            assertThat(browser.url()).endsWith("#/customers/" + customer);

            List<Map<String, Object>> decisions = jdbc.queryForList("select reasons, offer_code, step from decision_log where customer_id = ?", customer);
            assertThat(decisions).isNotEmpty();
            await().atMost(Browser.PATIENCE).until(() -> rows(browser, "customer-decisions") == decisions.size());
            String shownDecisions = browser.find(By.id("customer-decisions")).getText();
            for (Map<String, Object> decision : decisions) {
                for (JsonNode reason : JSON.readTree((String) decision.get("reasons"))) {
                    assertThat(shownDecisions).contains(reason.asText());
                }
                assertThat(shownDecisions).contains((String) decision.get("step"));
            }
            List<Map<String, Object>> messages = jdbc.queryForList("select template, status from delivery_log where customer_id = ?", customer);
            assertThat(rows(browser, "customer-messages")).isEqualTo(messages.size());
            for (Map<String, Object> message : messages) {
                assertThat(browser.find(By.id("customer-messages")).getText()).contains(message.get("template") + "").contains(message.get("status") + "");
            }
            long runs = history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(customer).count();
            assertThat(rows(browser, "customer-runs")).isEqualTo(runs);
            assertThat(browser.find(By.id("customer-runs")).getText()).contains("COMPLETED");
            assertThat(browser.find(By.id("customer-journeys")).getText()).contains("In no journey right now");
            assertThat(browser.accessibilityViolations()).isEmpty();
            browser.screenshot("customer");

            browser.find(By.cssSelector("#customer-runs a[href='#/run/" + finished + "']")).click();
            browser.waitForText(By.id("run-messages"), "SENT");
            assertThat(browser.find(By.id("run-steps")).getText()).contains("Decide_Offer").contains("Send_ReminderEmail");
            assertThat(rows(browser, "run-steps")).isEqualTo(history.createHistoricActivityInstanceQuery().processInstanceId(finished).count());
            assertThat(browser.find(By.id("run-decisions")).getText()).contains(JSON.readTree((String) decisions.get(0).get("reasons")).get(0).asText());
            browser.find(By.cssSelector("#run-messages details summary")).click();
            assertThat(browser.waitForText(By.cssSelector("#run-messages details pre"), "Linen dress")).isNotBlank();
            assertThat(browser.accessibilityViolations()).isEmpty();
            assertThat(browser.scrollsSideways()).isFalse();
            browser.script("window.scrollTo(0, 0)");
            browser.screenshot("run");
        }
    }

    @Test
    void theFailedSendsOfOneCauseAreRetriedTogetherAndEachOutcomeIsShownAsItHappens() {
        FailedReminder recovers = failedReminder("oona@example.com");
        FailedReminder failsAgain = failedReminder("otto@example.com");
        String causeText = "Connection refused";
        List<org.camunda.bpm.engine.runtime.Incident> ofTheCause = runtime.createIncidentQuery().incidentMessageLike("%" + causeText + "%").list();
        assertThat(ofTheCause).extracting(org.camunda.bpm.engine.runtime.Incident::getId).contains(recovers.incident(), failsAgain.incident());

        try (Browser browser = new Browser(port)) {
            browser.signIn("operator", "operator");
            browser.open("/console/#/incidents");
            WebElement group = browser.waitFor(By.xpath("//table[@id='incident-groups']//tr[contains(., '" + causeText + "')]"));
            assertThat(cell(group, 2)).as("the group counts every open incident of the cause").isEqualTo(ofTheCause.size());
            group.findElement(By.cssSelector("a")).click();
            assertThat(browser.waitForText(By.id("incidents-pager"), "incidents")).contains("of " + ofTheCause.size() + " incidents");
            assertThat(browser.find(By.id("incidents")).getText()).contains(recovers.customer()).contains(failsAgain.customer());

            browser.find(By.xpath("//table[@id='incident-groups']//tr[contains(., '" + causeText + "')]//button[contains(@class, 'retry-group')]")).click();
            assertThat(browser.waitForText(By.id("retry-counts"), "waiting to run"))
                    .startsWith("0 succeeded, 0 failed again, " + ofTheCause.size() + " waiting to run");
            assertThat(runtime.createIncidentQuery().incidentMessageLike("%" + causeText + "%").count()).as("every one was retried").isZero();

            for (org.camunda.bpm.engine.runtime.Incident incident : ofTheCause) {
                boolean broken = incident.getId().equals(failsAgain.incident());
                int smtpPort = mailSender.getPort();
                mailSender.setPort(broken ? closedPort() : smtpPort);
                try {
                    management.createJobQuery().processInstanceId(incident.getProcessInstanceId()).withRetriesLeft().list().forEach(job -> {
                        try {
                            management.executeJob(job.getId());
                        } catch (RuntimeException expected) {
                            assertThat(broken).as("only the send to a closed port fails").isTrue();
                        }
                    });
                } finally {
                    mailSender.setPort(smtpPort);
                }
            }

            assertThat(browser.waitForText(By.id("retry-counts"), "0 waiting to run"))
                    .startsWith((ofTheCause.size() - 1) + " succeeded, 1 failed again, 0 waiting to run");
            WebElement failedRow = browser.find(By.cssSelector("#retry-jobs tr[data-key='" + failsAgain.incident() + "']"));
            assertThat(failedRow.getText()).contains("FAILED").contains(causeText);
            assertThat(browser.find(By.cssSelector("#retry-jobs tr[data-key='" + recovers.incident() + "']")).getText()).contains("SUCCEEDED");
            assertThat(browser.accessibilityViolations()).isEmpty();
            browser.screenshot("incidents");
        }
        assertThat(runtime.createIncidentQuery().processInstanceId(recovers.journey()).count()).isZero();
        assertThat(jdbc.queryForObject("select status from delivery_log where customer_id = ?", String.class, recovers.customer())).isEqualTo("SENT");
        assertThat(runtime.createIncidentQuery().processInstanceId(failsAgain.journey()).singleResult().getIncidentMessage()).contains(causeText);
    }

    @Test
    void aJourneysEntriesAndConversionsPerDayAndTheCustomersWaitingAtAStepWhoseRunAnOperatorCancels() throws Exception {
        String converted = AbandonedCartJourneyIT.newCustomer();
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(converted, "vera@example.com", 80.0));
        post("/api/events", "{\"type\": \"order_placed\", \"customerId\": \"" + converted + "\"}");
        String waiting = AbandonedCartJourneyIT.newCustomer();
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(waiting, "walt@example.com", 60.0));
        String run = runtime.createProcessInstanceQuery().processDefinitionKey(CART).processInstanceBusinessKey(waiting).singleResult().getId();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Instant midnight = today.atStartOfDay(ZoneOffset.UTC).toInstant();

        try (Browser browser = new Browser(port)) {
            browser.signIn("operator", "operator");
            browser.open("/console/#/journey/" + CART + "?from=" + today.minusDays(6) + "&to=" + today);
            WebElement todayRow = browser.waitFor(By.cssSelector("#over-time tr[data-key='" + today + "']"));
            long entries = history.createHistoricProcessInstanceQuery().processDefinitionKey(CART)
                    .startedAfter(java.util.Date.from(midnight.minusMillis(1))).count();
            Long goals = jdbc.queryForObject("select count(*) from journey_goal where journey_key = ? and reached_at >= ?",
                    Long.class, CART, Timestamp.from(midnight));
            assertThat(cell(todayRow, 2)).as("entries today").isEqualTo(entries);
            assertThat(cell(todayRow, 3)).as("conversions today").isEqualTo(goals).isPositive();
            assertThat(browser.find(By.cssSelector("#range-entries .value")).getText()).isEqualTo(String.valueOf(entries));
            assertThat(browser.all(By.cssSelector("#over-time tbody tr"))).hasSize(7);
            assertThat(browser.find(By.cssSelector("#over-time-chart canvas")).isDisplayed()).as("uPlot drew the chart").isTrue();
            assertThat(browser.accessibilityViolations()).isEmpty();
            browser.screenshot("journey");

            long atTimer = runtime.createProcessInstanceQuery().processDefinitionKey(CART).activityIdIn(TIMER).count();
            assertThat(JSON.readTree(get("/api/console/journeys/" + CART).body()).path("steps").path(TIMER).path("waiting").asLong())
                    .as("the API counts the waiting runs").isEqualTo(atTimer);
            browser.waitFor(By.cssSelector("[data-step='" + TIMER + "'] a.waiting")).click();
            assertThat(browser.waitForText(By.id("waiting-pager"), "customers waiting")).contains("of " + atTimer + " customers waiting");
            assertThat(rows(browser, "waiting")).isEqualTo(Math.min(atTimer, 25));
            for (int offset = 0; browser.all(By.cssSelector("#waiting a[href='#/run/" + run + "']")).isEmpty(); ) {
                assertThat(offset + 25L).as("the run is on one of the pages").isLessThan(atTimer);
                browser.find(By.cssSelector("#waiting-pager .next")).click();
                offset += 25;
                browser.waitForText(By.id("waiting-pager"), (offset + 1) + "–"); // the next page is drawn
            }
            assertThat(browser.accessibilityViolations()).isEmpty();
            browser.screenshot("journey-waiting");

            browser.find(By.cssSelector("#waiting a[href='#/run/" + run + "']")).click();
            browser.waitForText(By.id("run-timers"), TIMER);
            Job timer = management.createJobQuery().processInstanceId(run).timers().singleResult();
            assertThat(browser.find(By.id("run-timers")).getText()).contains(browser.localTime(timer.getDuedate().toInstant()));
            browser.find(By.id("run-reason")).sendKeys("asked to stop the reminders");
            browser.find(By.id("run-cancel")).click();
            assertThat(browser.waitForText(By.id("notice"), "cancelled")).contains("asked to stop the reminders");
            browser.waitForText(By.id("run-summary"), "CANCELLED");
            assertThat(browser.find(By.id("run-actions-log")).getText()).contains("CANCEL").contains("operator").contains("asked to stop the reminders");
        }
        assertThat(runtime.createProcessInstanceQuery().processInstanceId(run).count()).as("the run is gone from the engine").isZero();
        assertThat(history.createHistoricProcessInstanceQuery().processInstanceId(run).singleResult().getDeleteReason())
                .contains("asked to stop the reminders");
    }

    @Test
    void conversionsByChannelFirstAndLastTouch() throws Exception {
        try (Browser browser = new Browser(port)) {
            browser.signIn("viewer", "viewer");
            browser.open("/console/#/analytics");
            browser.waitForText(By.id("analytics-wrap"), "");
            JsonNode before = JSON.readTree(get("/api/console/analytics").body());
            long firstBefore = before.path("channels").path("email").path("firstTouchConversions").asLong();
            long lastBefore = before.path("channels").path("email").path("lastTouchConversions").asLong();

            String customer = AbandonedCartJourneyIT.newCustomer();
            post("/api/events", AbandonedCartJourneyIT.cartAbandoned(customer, customer + "@example.com", 150.0));
            String journey = runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).singleResult().getId();
            fireTimers(journey);
            runAllJobs(journey);
            assertThat(post("/api/events", "{\"type\": \"order_placed\", \"customerId\": \"" + customer + "\"}").statusCode()).isEqualTo(202);

            await().atMost(Browser.PATIENCE).ignoreExceptions().until(() -> emailCell(browser, 8) == firstBefore + 1 && emailCell(browser, 9) == lastBefore + 1);
            JsonNode after = JSON.readTree(get("/api/console/analytics").body());
            for (int column = 2; column <= 9; column++) {
                String field = List.of("contactsReached", "sent", "failed", "suppressed", "opens", "clicks", "firstTouchConversions", "lastTouchConversions").get(column - 2);
                assertThat(emailCell(browser, column)).as(field).isEqualTo(after.path("channels").path("email").path(field).asLong());
            }
            assertThat(browser.find(By.cssSelector("#conversions .value")).getText()).isEqualTo(after.path("conversions").asText());
            browser.waitFor(By.cssSelector("#messages-chart canvas"));
            assertThat(browser.accessibilityViolations()).isEmpty();
            browser.screenshot("analytics");
        }
    }

    @Test
    void aBrokenRuleIsShownAsAnErrorAndTheRunningRulesStay() {
        List<String> running = rules.status().files();
        try (Browser browser = new Browser(port)) {
            browser.signIn("admin", "touchpoint");
            browser.open("/console/#/rules");
            browser.waitFor(By.id("rule-file")).sendKeys("console-broken.drl");
            browser.find(By.id("rule-text")).sendKeys("package rules\nrule \"Broken\"\nwhen\n  Nothing(\nthen\nend\n");
            browser.find(By.id("rule-save")).click();

            String error = browser.waitForText(By.id("rule-change-error"), "was not saved");
            assertThat(error).contains("console-broken.drl was not saved").contains("the rules were not changed").contains("console-broken.drl, line");
            assertThat(browser.all(By.cssSelector("#rule-change-error pre"))).as("no raw JSON").isEmpty();
            assertThat(browser.find(By.id("rule-change-error")).getDomAttribute("role")).isEqualTo("alert");
            assertThat(rules.status().files()).isEqualTo(running).doesNotContain("console-broken.drl");
            assertThat(rules.sources()).doesNotContainKey("console-broken.drl");
            assertThat(browser.accessibilityViolations()).isEmpty();
            browser.screenshot("rules");
        }
    }

    private static long rows(Browser browser, String table) {
        return browser.all(By.cssSelector("#" + table + " tbody tr:not([data-key='empty'])")).size();
    }

    private static long cell(WebElement row, int column) {
        return Long.parseLong(row.findElement(By.cssSelector("td:nth-child(" + column + ")")).getText().trim());
    }

    private static long emailCell(Browser browser, int column) {
        return cell(browser.find(By.cssSelector("#analytics tr[data-key='email']")), column);
    }
}
