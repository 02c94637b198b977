package io.touchpoint.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import io.touchpoint.journeys.AbandonedCartJourneyIT;

/**
 * The console's "Try a journey" page in a real headless Chromium: a marketer uploads a draft BPMN (the abandoned-cart
 * journey with a two-hour wait) and the shipped scenario file, and sees which scenarios pass and the differences of
 * the others; then backtests the draft over three customers' recorded day and sees the diagram with the runs per step
 * as badges, the messages that would have gone out and the held-back send, each checked against the backtest's report.
 */
class ConsoleTryJourneyIT extends ConsoleIT {

    private static final Duration SANDBOX = Duration.ofMinutes(4);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aMarketerPlaysTheScenariosOfADraftAndBacktestsItSeeingTheCountsOnTheDiagram(@TempDir Path files) throws Exception {
        Path draft = Files.writeString(files.resolve("abandoned-cart.bpmn"), AbandonedCartJourneyIT.abandonedCartWaiting("PT2H"));
        Path scenarios = Path.of("../workflows/tests/abandoned-cart.yaml").toAbsolutePath().normalize();
        String prefix = "try-" + UUID.randomUUID().toString().substring(0, 8);
        String reminded = prefix + "-reminded";
        String converted = prefix + "-converted";
        String lateAtNight = prefix + "-late";
        for (String customer : new String[] {reminded, converted, lateAtNight}) {
            post("/api/events", """
                    {"type": "profile_updated", "customerId": "%s", "identities": {"email": "%s@example.com"},
                     "occurredAt": "2024-02-04T09:00:00Z", "properties": {"timeZone": "UTC", "traits": {"firstName": "Try"}}}""".formatted(customer, customer));
        }
        post("/api/events", cart(reminded, "2024-02-05T10:00:00Z"));
        post("/api/events", cart(converted, "2024-02-05T10:30:00Z"));
        post("/api/events", """
                {"type": "order_placed", "customerId": "%s", "occurredAt": "2024-02-05T11:00:00Z", "properties": {"orderId": "o-1", "total": 129.0}}"""
                .formatted(converted));
        post("/api/events", cart(lateAtNight, "2024-02-05T22:00:00Z"));

        try (Browser browser = new Browser(port)) {
            browser.signIn("marketer", "marketer");
            browser.open("/console/#/try");
            browser.waitFor(By.id("try-test-bpmn")).sendKeys(draft.toString());
            browser.find(By.id("try-test-scenario")).sendKeys(scenarios.toString());
            browser.find(By.cssSelector("#try-test button[type=submit]")).click();
            await().atMost(SANDBOX).ignoreExceptions().until(() -> !browser.all(By.id("try-test-verdict")).isEmpty());
            assertThat(browser.find(By.id("try-test-verdict")).getText()).isEqualTo("Some scenarios of abandonedCart failed.");
            String scenarioTable = browser.find(By.id("try-test-scenarios")).getText();
            assertThat(scenarioTable).contains("a cart over 100 gets the reminder with 10% off one hour later")
                    .contains("message 1: expected day 0 11:00 email abandoned-cart-reminder")
                    .contains("but sent day 0 12:00 email abandoned-cart-reminder")
                    .contains("an order within the hour ends the journey as converted, without a reminder");
            assertThat(browser.all(By.xpath("//table[@id='try-test-scenarios']//tr[td[2][.='passed']]"))).as("passing scenarios").isNotEmpty();
            assertThat(browser.all(By.xpath("//table[@id='try-test-scenarios']//tr[td[2][.='failed']]"))).as("failing scenarios").isNotEmpty();

            browser.find(By.id("try-backtest-bpmn")).sendKeys(draft.toString());
            browser.script("document.getElementById('try-backtest-from').value = '2024-02-05';"
                    + "document.getElementById('try-backtest-to').value = '2024-02-07';");
            browser.find(By.cssSelector("#try-backtest button[type=submit]")).click();
            await().atMost(Browser.PATIENCE).until(() -> browser.url().contains("#/try?backtest="));
            String id = browser.url().substring(browser.url().indexOf("backtest=") + "backtest=".length());
            await().atMost(SANDBOX).ignoreExceptions().until(() -> browser.all(By.cssSelector("#try-diagram .step-counts")).size() > 2);

            JsonNode report = JSON.readTree(get("/api/journeys/backtest/" + id).body()).get("report").get("journey");
            JsonNode steps = report.get("steps");
            assertThat(steps.get("Send_ReminderEmail").asLong()).as("the reminder and the deferred one").isEqualTo(2);
            @SuppressWarnings("unchecked")
            List<String> drawn = (List<String>) browser.script("return [...document.querySelectorAll('#try-diagram .djs-element[data-element-id]')]"
                    + ".map(e => e.getAttribute('data-element-id'))");
            assertThat(drawn).contains("Send_ReminderEmail");
            for (Iterator<Map.Entry<String, JsonNode>> step = steps.fields(); step.hasNext(); ) {
                Map.Entry<String, JsonNode> counted = step.next();
                if (!drawn.contains(counted.getKey())) {
                    continue; // a step the building blocks add inside a block (Send_ReminderEmail_DecideSendTime): not on the diagram
                }
                long runs = counted.getValue().asLong();
                await().atMost(Browser.PATIENCE).ignoreExceptions().until(() -> browser.find(By.cssSelector(
                        "#try-diagram .step-counts[data-step='" + counted.getKey() + "']")).getText().equals(runs + (runs == 1 ? " run" : " runs")));
            }
            assertThat(report.get("entries").asLong()).isEqualTo(3);
            assertThat(browser.find(By.id("try-entries")).getText()).endsWith("3");
            String messages = browser.find(By.id("try-messages")).getText();
            assertThat(messages).contains(reminded).contains(lateAtNight).doesNotContain(converted).contains("abandoned-cart-reminder");
            assertThat(browser.all(By.cssSelector("#try-messages tbody tr"))).hasSize(2);
            assertThat(browser.find(By.id("try-held-back")).getText()).as("the reminder due at midnight waits for 08:00").contains(lateAtNight);
            assertThat(browser.all(By.cssSelector("#try-hourly-chart canvas"))).as("the sends per local hour, drawn").isNotEmpty();
            assertThat(browser.accessibilityViolations()).isEmpty();
            browser.screenshot("try-backtest");
        }
    }

    private static String cart(String customer, String at) {
        return """
                {"type": "cart_abandoned", "customerId": "%s", "occurredAt": "%s",
                 "properties": {"cartId": "k-1", "items": [{"sku": "D-1", "name": "Linen dress", "quantity": 1, "price": 129.0}], "total": 129.0}}"""
                .formatted(customer, at);
    }
}
