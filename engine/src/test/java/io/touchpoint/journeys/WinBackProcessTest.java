package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.jobQuery;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.runtimeService;

import java.time.Instant;
import java.util.Map;

import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** workflows/win-back.bpmn: no order for 90 days → email offer; not opened within three days → SMS. */
@Deployment(resources = "touchpoint/workflows/win-back.bpmn")
class WinBackProcessTest extends JourneyProcessTestSupport {

    @RegisterExtension
    static final ProcessEngineExtension engine = engine();

    @Test
    void ninetyDaysWithoutAnOrderBringAnEmailAndThreeMoreDaysWithoutOpeningAnSms() {
        now("2026-06-01T10:00:00Z");
        ProcessInstance journey = start("order_placed", "c-gone", Map.of("orderId", "o-1"));
        assertThat(journey).isWaitingAt("Wait_NextOrder");
        assertThat(job(journey).getDuedate().toInstant()).isEqualTo(Instant.parse("2026-08-30T10:00:00Z"));

        now("2026-08-30T10:00:00Z");
        execute(job(journey));
        assertThat(journey).isWaitingAt("Send_WinBackOffer");
        execute(job(journey));
        assertThat(journey).isWaitingAt("Wait_OfferOpened");
        org.assertj.core.api.Assertions.assertThat(sent).containsExactly("Send_WinBackOffer:email:win-back-offer:marketing");
        assertThat(job(journey).getDuedate().toInstant()).isEqualTo(Instant.parse("2026-09-02T10:00:00Z"));

        now("2026-09-02T10:00:00Z");
        execute(job(journey));
        execute(job(journey));

        assertThat(journey).hasPassed("Send_WinBackSms", "End_SmsSent").isEnded();
        org.assertj.core.api.Assertions.assertThat(rendered(0, "en").subject()).isEqualTo("We miss you: 20% off your next order with code WELCOME20");
        org.assertj.core.api.Assertions.assertThat(rendered(1, "en").text())
                .isEqualTo("Hi Ada, we miss you! 20% off your next order with code WELCOME20. Reply STOP to opt out.");
    }

    @Test
    void anOpenedOfferEndsTheJourneyWithoutSms() {
        now("2026-06-01T10:00:00Z");
        ProcessInstance journey = start("order_placed", "c-opens", Map.of("orderId", "o-2"));
        execute(job(journey));
        execute(job(journey));
        assertThat(journey).isWaitingAt("Wait_OfferOpened");

        runtimeService().signal(runtimeService().createExecutionQuery().processInstanceId(journey.getId())
                .activityId("Wait_OfferOpened").singleResult().getId());

        assertThat(journey).hasPassed("End_OfferOpened").hasNotPassed("Send_WinBackSms").isEnded();
        assertThat(jobQuery().processInstanceId(journey.getId()).count()).isZero();
    }
}
