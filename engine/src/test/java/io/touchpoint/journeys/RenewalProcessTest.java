package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.assertThat;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.execute;
import static org.camunda.bpm.engine.test.assertions.bpmn.BpmnAwareTests.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.test.Deployment;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.touchpoint.channels.MessageTemplate;
import io.touchpoint.channels.RenderedMessage;

/**
 * workflows/renewal.bpmn: 30 days before the profile's contractEndDate at 09:00 in the customer's time zone the
 * rules in rules/retention-offer.drl choose the retention offer, which is emailed; a customer who asked to cancel
 * gets nothing.
 */
@Deployment(resources = "touchpoint/workflows/renewal.bpmn")
class RenewalProcessTest extends JourneyProcessTestSupport {

    @RegisterExtension
    static final ProcessEngineExtension engine = engine();

    @Test
    void thirtyDaysBeforeTheContractEndsAtNineLocalTheRetentionOfferIsEmailed() throws Exception {
        now("2027-01-10T12:00:00Z");
        profile("c-rita", "Europe/Berlin", Map.of("contractEndDate", "2027-03-01"));
        ProcessInstance journey = start("contract_started", "c-rita", Map.of("contractId", "K-1"));

        assertThat(journey).isWaitingAt("Wait_ThirtyDaysBeforeContractEnd");
        assertThat(job(journey).getDuedate().toInstant()).as("30 January, 09:00 in Berlin (CET, UTC+1)")
                .isEqualTo(Instant.parse("2027-01-30T08:00:00Z"));

        now("2027-01-30T08:00:00Z");
        execute(job(journey));
        assertThat(journey).hasPassed("Decide_RetentionOffer").isWaitingAt("Send_RenewalOffer");
        execute(job(journey));

        assertThat(journey).hasPassed("End_OfferSent").isEnded();
        assertThat(sent).containsExactly("Send_RenewalOffer:email:renewal-offer:marketing");
        assertThat(variables.get(0)).extractingByKey("offer")
                .isEqualTo(Map.of("code", "RENEW15", "text", "15% off your next year with code RENEW15"));
        RenderedMessage email = render(0, Map.of("firstName", "Rita", "contractEndDate", "2027-03-01"));
        assertThat(email.subject()).isEqualTo("Stay with us: 15% off your next year with code RENEW15");
        assertThat(email.text()).contains("Hello Rita,").contains("your contract ends on 2027-03-01. Renew it now and get 15% off your next year");
    }

    @Test
    void premiumSubscribersAreOfferedTwoMonthsFree() {
        now("2027-01-10T12:00:00Z");
        profile("c-prem", "Europe/Berlin", Map.of("contractEndDate", "2027-03-01", "plan", "premium"));
        ProcessInstance journey = start("contract_started", "c-prem", Map.of());

        now("2027-01-30T08:00:00Z");
        execute(job(journey));
        execute(job(journey));

        assertThat(variables.get(0)).extractingByKey("offer").isEqualTo(Map.of("code", "TWO_MONTHS_FREE", "text", "two months free when you renew"));
    }

    @Test
    void aCustomerWhoAskedToCancelIsNotEligibleAndGetsNoEmail() {
        now("2027-01-10T12:00:00Z");
        profile("c-leaving", "Europe/Berlin", Map.of("contractEndDate", "2027-03-01", "cancellationRequested", true));
        ProcessInstance journey = start("contract_started", "c-leaving", Map.of());

        now("2027-01-30T08:00:00Z");
        execute(job(journey));

        assertThat(journey).hasPassed("Decide_RetentionOffer", "End_NotEligible").hasNotPassed("Send_RenewalOffer").isEnded();
        assertThat(sent).isEmpty();
    }

    /** The i-th message, rendered strictly from its file with the journey's variables and these customer attributes. */
    private RenderedMessage render(int i, Map<String, Object> customer) throws Exception {
        String template = sent.get(i).split(":")[2];
        MessageTemplate parsed = MessageTemplate.parse(template, "en", Files.readString(Path.of("../workflows/templates/" + template + ".en.yaml")));
        Map<String, Object> all = new HashMap<>(variables.get(i));
        all.put("customer", customer);
        all.put("unsubscribe_url", "https://example.com/u");
        return parsed.render(all);
    }
}
