package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.util.GreenMailUtil;

import io.touchpoint.channels.DeliveryLog;

/** workflows/welcome-series.bpmn end to end: sign-up in, three emails over seven days (A/B/holdout on day 2), or the goal. */
class WelcomeSeriesJourneyIT extends JourneyEndToEnd {

    @Test
    void threeEmailsGoOutOnDaysZeroTwoAndSevenThenTheSeriesIsCompleted() throws Exception {
        String email = "wanda-" + UUID.randomUUID() + "@example.com";
        String customer = customer(email, "\"firstName\": \"Wanda\"");
        event("customer_signed_up", customer, "{}");
        ProcessInstance journey = journey("welcomeSeries", customer);

        runDueJobs(journey.getId());
        MimeMessage welcome = emailsTo(email, 1).get(0);
        assertThat(welcome.getSubject()).isEqualTo("Welcome to the shop");
        assertThat(GreenMailUtil.getBody(welcome)).contains("Hello Wanda,");

        after(Duration.ofDays(2), journey.getId());
        String variant = JourneySplits.variantOf(customer, "welcomeSeries", variants(), 10);
        List<MimeMessage> afterDayTwo = emailsTo(email, variant.equals("holdout") ? 1 : 2);
        if (!variant.equals("holdout")) {
            assertThat(afterDayTwo.get(1).getSubject()).isEqualTo(variant.equals("A")
                    ? "Our best sellers, picked for you" : "How returns work (spoiler: they are free)");
        }

        after(Duration.ofDays(7), journey.getId());
        List<MimeMessage> all = emailsTo(email, afterDayTwo.size() + 1);
        assertThat(all.get(all.size() - 1).getSubject()).isEqualTo("A welcome gift for your first order");
        assertThat(ended(journey)).isTrue();
        assertThat(passed(journey, "End_SeriesCompleted")).isTrue();
        assertThat(deliveries.forCustomer(customer)).hasSize(all.size()).allSatisfy(entry -> {
            assertThat(entry.channel()).isEqualTo("email");
            assertThat(entry.category()).isEqualTo("marketing");
            assertThat(entry.recipient()).isEqualTo(email);
            assertThat(entry.status()).isEqualTo(DeliveryLog.Status.SENT);
        });
    }

    @Test
    void aFirstPurchaseEndsTheSeriesAndNoMoreEmailsFollow() {
        String email = "buyer-" + UUID.randomUUID() + "@example.com";
        String customer = customer(email, "\"firstName\": \"Bo\"");
        event("customer_signed_up", customer, "{}");
        ProcessInstance journey = journey("welcomeSeries", customer);
        runDueJobs(journey.getId());
        emailsTo(email, 1);

        event("order_placed", customer, "{\"orderId\": \"o-1\"}");
        after(Duration.ofDays(8), journey.getId());

        assertThat(ended(journey)).isTrue();
        assertThat(passed(journey, "End_SeriesCompleted")).isFalse();
        assertThat(emailsTo(email)).hasSize(1);
    }

    private static Map<String, Integer> variants() {
        Map<String, Integer> weights = new LinkedHashMap<>();
        weights.put("A", 50);
        weights.put("B", 50);
        return weights;
    }
}
