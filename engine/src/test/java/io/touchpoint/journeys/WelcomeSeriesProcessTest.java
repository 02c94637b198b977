package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.managementService;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** workflows/welcome-series.bpmn: three emails over seven days, an A/B split with holdout, the first purchase as goal. */
@Deployment(resources = "touchpoint/workflows/welcome-series.bpmn")
class WelcomeSeriesProcessTest extends JourneyProcessTestSupport {

    @RegisterExtension
    static final ProcessEngineExtension engine = engine();

    @Test
    void threeEmailsGoOutOnDaysZeroTwoAndSevenAndTheSplitVariantIsRecorded() {
        now("2026-11-02T10:00:00Z");
        ProcessInstance journey = start("customer_signed_up", "c-welcome", Map.of());
        execute(job(journey));
        assertThat(journey).isWaitingAt("Timer_WaitTwoDays");
        assertThat(job(journey).getDuedate().toInstant()).isEqualTo(Instant.parse("2026-11-04T10:00:00Z"));

        now("2026-11-04T10:00:00Z");
        execute(job(journey));
        String variant = JourneySplits.variantOf("c-welcome", "welcomeSeries", variants(), 10);
        if (!variant.equals("holdout")) {
            assertThat(journey).isWaitingAt("Send_Welcome2" + variant);
            execute(job(journey));
        }
        assertThat(journey).isWaitingAt("Timer_WaitFiveDays");
        assertThat(job(journey).getDuedate().toInstant()).isEqualTo(Instant.parse("2026-11-09T10:00:00Z"));
        assertThat(splits).containsExactly("c-welcome/welcomeSeries/Split_SecondEmail=" + variant);

        now("2026-11-09T10:00:00Z");
        execute(job(journey));
        execute(job(journey));

        assertThat(journey).hasPassed("Send_Welcome1", "Send_Welcome3", "Update_WelcomeCompleted", "End_SeriesCompleted").isEnded();
        assertThat(profileUpdates).containsExactly("welcomeSeriesCompleted=true");
        for (int i = 0; i < sent.size(); i++) {
            org.assertj.core.api.Assertions.assertThat(rendered(i, "en").text()).as(sent.get(i)).startsWith("Hello Ada,");
        }
    }

    @Test
    void theSplitIsStablePerCustomerAndFollowsTheWeights() {
        Map<String, Integer> counts = new LinkedHashMap<>(Map.of("A", 0, "B", 0, "holdout", 0));
        for (int i = 0; i < 10_000; i++) {
            String customer = "c-" + i;
            String variant = JourneySplits.variantOf(customer, "welcomeSeries", variants(), 10);
            assertThat(JourneySplits.variantOf(customer, "welcomeSeries", variants(), 10)).isEqualTo(variant);
            counts.merge(variant, 1, Integer::sum);
        }
        assertThat(counts.get("holdout")).isBetween(800, 1200);
        assertThat(counts.get("A")).isBetween(4200, 4800);
        assertThat(counts.get("B")).isBetween(4200, 4800);
    }

    @Test
    void aFirstPurchaseEndsTheSeriesMidWaitAtTheGoal() {
        now("2026-11-02T10:00:00Z");
        ProcessInstance journey = start("customer_signed_up", "c-buyer", Map.of());
        execute(job(journey));
        assertThat(journey).isWaitingAt("Timer_WaitTwoDays");

        runtimeService().createMessageCorrelation("order_placed").processInstanceBusinessKey("c-buyer").correlate();

        assertThat(journey).hasPassed("Start_FirstPurchase", "End_FirstPurchase").hasNotPassed("Split_SecondEmail").isEnded();
        assertThat(managementService().createJobQuery().processInstanceId(journey.getId()).count()).as("no timer is left").isZero();
    }

    private static Map<String, Integer> variants() {
        Map<String, Integer> weights = new LinkedHashMap<>();
        weights.put("A", 50);
        weights.put("B", 50);
        return weights;
    }

}
