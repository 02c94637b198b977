package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.icegreen.greenmail.util.GreenMailUtil;

import io.touchpoint.channels.DeliveryLog;

/** workflows/welcome-series.bpmn end to end: sign-up in, three emails over seven days (A/B/holdout on day 2), or the goal. */
class WelcomeSeriesJourneyIT extends JourneyEndToEnd {

    @Autowired
    JourneyRecords records;

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
        assertThat(passed(journey, "End_FirstPurchase")).as("the run ended at its goal").isTrue();
        assertThat(passed(journey, "End_SeriesCompleted")).isFalse();
        assertThat(goalsOf(journey)).singleElement().satisfies(goal -> assertThat(goal).containsEntry("journey_key", "welcomeSeries")
                .containsEntry("goal_activity_id", "End_FirstPurchase").containsEntry("event_type", "order_placed").containsEntry("customer_id", customer));
        assertThat(emailsTo(email)).hasSize(1);
        assertThat(deliveries.forCustomer(customer)).singleElement().satisfies(entry -> assertThat(entry.template()).isEqualTo("welcome-1"));
    }

    @Test
    void eachCustomerGetsTheSecondEmailOfTheirVariantAndTheHoldoutGetsNone() throws Exception {
        Map<String, String> variants = new LinkedHashMap<>();
        Map<String, String> emails = new LinkedHashMap<>();
        for (String variant : List.of("A", "B", BlockSettings.HOLDOUT)) {
            String customer = customerInVariant(variant);
            variants.put(customer, variant);
            emails.put(customer, "split-" + variant.toLowerCase(Locale.ROOT) + "-" + UUID.randomUUID() + "@example.com");
            customer(customer, emails.get(customer), "\"firstName\": \"Sam\"");
            event("customer_signed_up", customer, "{}");
            runDueJobs(journey("welcomeSeries", customer).getId());
        }
        Map<String, String> subjects = Map.of("A", "Our best sellers, picked for you", "B", "How returns work (spoiler: they are free)");

        for (String customer : variants.keySet()) {
            ProcessInstance journey = journey("welcomeSeries", customer);
            String variant = variants.get(customer);
            after(Duration.ofDays(2), journey.getId());

            assertThat(records.variant(customer, "welcomeSeries", "Split_SecondEmail")).as(customer).contains(variant);
            assertThat(passed(journey, "Send_Welcome2A")).as(customer).isEqualTo(variant.equals("A"));
            assertThat(passed(journey, "Send_Welcome2B")).as(customer).isEqualTo(variant.equals("B"));
            if (variant.equals(BlockSettings.HOLDOUT)) {
                assertThat(emailsTo(emails.get(customer), 1).get(0).getSubject()).as("the holdout gets no second email").isEqualTo("Welcome to the shop");
                assertThat(deliveries.forCustomer(customer)).extracting(DeliveryLog.Entry::template).containsExactly("welcome-1");
            } else {
                assertThat(emailsTo(emails.get(customer), 2).get(1).getSubject()).isEqualTo(subjects.get(variant));
                assertThat(deliveries.forCustomer(customer)).extracting(DeliveryLog.Entry::template)
                        .containsExactlyInAnyOrder("welcome-1", "welcome-2" + variant.toLowerCase(Locale.ROOT));
            }
            assertThat(waitsAt(journey, "Timer_WaitFiveDays")).as("every path goes on to the third email").isTrue();
        }
    }

    /** A fixed customer id the split puts in that variant: the first of c-welcome-split-0, -1, ... (the same every run). */
    private static String customerInVariant(String variant) {
        return IntStream.range(0, 1000).mapToObj(i -> "c-welcome-split-" + i)
                .filter(id -> JourneySplits.variantOf(id, "welcomeSeries", JourneySplits.parse("A:50, B:50"), 10).equals(variant))
                .findFirst().orElseThrow();
    }


    private static Map<String, Integer> variants() {
        Map<String, Integer> weights = new LinkedHashMap<>();
        weights.put("A", 50);
        weights.put("B", 50);
        return weights;
    }
}
