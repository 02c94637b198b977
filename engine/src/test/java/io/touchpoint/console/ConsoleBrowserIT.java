package io.touchpoint.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import io.touchpoint.journeys.AbandonedCartJourneyIT;

/**
 * The admin console in a real headless Chromium against the whole engine: sign-in, a journey's live counts,
 * retrying a real incident (SMTP unreachable), customer search. Writes the README's screenshots.
 */
class ConsoleBrowserIT extends ConsoleIT {

    @Test
    void aSignedOutVisitorIsSentToTheSignInPageAndSignsIn() {
        try (Browser browser = new Browser(port)) {
            browser.open("/console/#/incidents");
            browser.waitFor(By.id("sign-in"));
            assertThat(browser.url()).contains("/console/login.html");
            browser.find(By.id("username")).sendKeys("admin");
            browser.find(By.id("password")).sendKeys("wrong");
            browser.screenshot("sign-in");
            browser.find(By.id("sign-in")).click();
            assertThat(browser.waitForText(By.id("message"), "Wrong")).contains("Wrong user or password");

            browser.signIn("viewer", "viewer");
            assertThat(browser.waitForText(By.id("journeys"), "abandonedCart")).contains("Abandoned cart");
            assertThat(browser.find(By.id("user")).getText()).isEqualTo("viewer (viewer)");
        }
    }

    @Test
    void theJourneyPageCountsANewCustomerWithoutAReload() {
        String converted = AbandonedCartJourneyIT.newCustomer();
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(converted, "gil@example.com", 80.0));
        post("/api/events", "{\"type\": \"order_placed\", \"customerId\": \"" + converted + "\"}");
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(AbandonedCartJourneyIT.newCustomer(), "gus@example.com", 60.0));
        try (Browser browser = new Browser(port)) {
            browser.signIn("operator", "operator");
            browser.screenshot("journeys");
            browser.find(By.linkText("Abandoned cart")).click();
            browser.waitFor(By.cssSelector("[data-step='Timer_WaitBeforeReminder']"));
            long before = activeOnPage(browser);
            assertThat(before).isEqualTo(runtime.createProcessInstanceQuery().processDefinitionKey("abandonedCart").count());
            long waitingBefore = runtime.createProcessInstanceQuery().processDefinitionKey("abandonedCart")
                    .activityIdIn("Timer_WaitBeforeReminder").count();

            String customer = AbandonedCartJourneyIT.newCustomer();
            assertThat(post("/api/events", AbandonedCartJourneyIT.cartAbandoned(customer, "hal@example.com", 120.0)).statusCode()).isEqualTo(202);

            await().atMost(Browser.PATIENCE).ignoreExceptions().until(() -> activeOnPage(browser) == before + 1);
            assertThat(browser.find(By.cssSelector("[data-step='Timer_WaitBeforeReminder'] .waiting")).getText())
                    .isEqualTo((waitingBefore + 1) + " waiting");
            assertThat(browser.find(By.cssSelector("#diagram svg")).isDisplayed()).as("bpmn-js drew the diagram").isTrue();
        }
    }

    @Test
    void aViewerMayNotRetryButAnOperatorRetriesAnIncidentCausedByAnUnreachableMailServer() {
        FailedReminder failed = failedReminder("ivy@example.com");
        String customer = failed.customer();
        String journey = failed.journey();
        String incident = failed.incident();

        try (Browser browser = new Browser(port)) {
            browser.signIn("viewer", "viewer");
            browser.open("/console/#/incidents");
            browser.waitForText(By.id("incidents"), customer);
            browser.find(By.cssSelector("button.retry[data-incident='" + incident + "']")).click();
            assertThat(browser.waitForText(By.id("notice"), "may not"))
                    .isEqualTo("'viewer' (role viewer) may not retry: that needs the operator role.");
            assertThat(runtime.createIncidentQuery().incidentId(incident).count()).as("the viewer changed nothing").isOne();
        }
        try (Browser browser = new Browser(port)) {
            browser.signIn("operator", "operator");
            browser.open("/console/#/incidents");
            browser.waitForText(By.id("incidents"), customer);
            assertThat(browser.find(By.id("failed-messages")).getText()).contains("ivy@example.com").contains("Connection refused");
            browser.find(By.cssSelector("tr[data-key='" + incident + "'] summary")).click();
            assertThat(browser.waitForText(By.cssSelector(".stacktrace"), "ConnectException")).contains("MailSendException");

            browser.find(By.cssSelector("button.retry[data-incident='" + incident + "']")).click();

            assertThat(browser.waitForText(By.id("notice"), "Retrying")).contains("Retrying 1 incident " + incident);
            await().atMost(Browser.PATIENCE).until(() -> !browser.find(By.id("incidents")).getText().contains(customer));
        }
        assertThat(runtime.createIncidentQuery().processInstanceId(journey).count()).isZero();
        runAllJobs(journey);
        await().atMost(Duration.ofSeconds(30)).until(() -> SMTP.getReceivedMessages().length == 1);
        assertThat(jdbc.queryForObject("select status from delivery_log where customer_id = ?", String.class, customer)).isEqualTo("SENT");
    }

    @Test
    void aCustomerIsFoundByEmailWithTheirTimelineAndAnUnknownOneIsSaidNotToExist() {
        String customer = AbandonedCartJourneyIT.newCustomer();
        post("/api/events", """
                {"type": "consent_changed", "customerId": "%s", "identities": {"email": "Jo@Example.com", "phone": "+4915100000001"},
                 "properties": {"traits": {"firstName": "Jo"}, "consents": {"sms": false}}}""".formatted(customer));
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(customer, "Jo@Example.com", 129.0));
        String journey = runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).singleResult().getId();
        fireTimers(journey);
        try (Browser browser = new Browser(port)) {
            browser.signIn("viewer", "viewer");
            browser.open("/console/#/customers");
            browser.waitFor(By.id("customer-query")).sendKeys("nobody@example.com\n");
            assertThat(browser.waitForText(By.id("customers"), "No customer")).contains("No customer matches \"nobody@example.com\"");

            browser.find(By.id("customer-query")).clear();
            browser.find(By.id("customer-query")).sendKeys("jo@example.com\n");
            String timeline = browser.waitForText(By.id("timeline"), "Carts over 100 get 10% off");
            assertThat(timeline).contains("cart_abandoned").contains("consent_changed").contains("Decide offer")
                    .contains("Carts over 100 get 10% off").doesNotContain("abandoned-cart-reminder");
            assertThat(browser.find(By.id("customer-journeys")).getText()).contains("Send_ReminderEmail");

            runAllJobs(journey);
            assertThat(browser.waitForText(By.id("timeline"), "abandoned-cart-reminder SENT")).as("the page updates itself")
                    .contains("Reminder sent");
            assertThat(browser.find(By.id("consents")).getText()).contains("sms no");
            assertThat(browser.find(By.id("profile")).getText()).contains("firstName Jo");

            browser.open("/console/#/messages?status=SENT");
            browser.waitForText(By.id("messages"), customer);
            browser.screenshot("messages");
            browser.open("/console/#/analytics");
            browser.waitForText(By.id("analytics"), "email");
            browser.open("/console/#/rules");
            browser.waitForText(By.id("rule-files"), "offer.drl");
        }
    }

    private static long activeOnPage(Browser browser) {
        return Long.parseLong(browser.find(By.cssSelector("#active .value")).getText());
    }
}
