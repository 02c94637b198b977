package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.UUID;

import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.util.GreenMailUtil;

/**
 * workflows/renewal.bpmn end to end: 30 days before the profile's contractEndDate, at 09:00 in the customer's time
 * zone, the retention offer of rules/retention-offer.drl by email; a new end date by PATCH re-plans the wait; a
 * customer who asked to cancel gets nothing.
 */
class RenewalJourneyIT extends JourneyEndToEnd {

    private static final String OFFER = "15% off your next year with code RENEW15";

    @Test
    void thirtyDaysBeforeTheContractEndsAtNineLocalTheRetentionOfferIsEmailed() throws Exception {
        String email = "rene-" + UUID.randomUUID() + "@example.com";
        String customer = customer(email, "\"firstName\": \"Rene\"");
        LocalDate endDate = LocalDate.ofInstant(start, zone).plusDays(60);
        event("contract_started", customer, "{\"contractId\": \"K-1\", \"traits\": {\"contractEndDate\": \"%s\"}}".formatted(endDate));
        ProcessInstance journey = journey("renewal", customer);
        Instant reminder = ZonedDateTime.of(endDate.minusDays(30), LocalTime.of(9, 0), zone).toInstant();
        assertThat(timer(journey)).isEqualTo(reminder);

        after(Duration.between(start, reminder).minusMinutes(1), journey.getId());
        assertThat(emailsTo(email)).isEmpty();
        after(Duration.between(start, reminder), journey.getId());

        MimeMessage offer = emailsTo(email, 1).get(0);
        assertThat(offer.getSubject()).isEqualTo("Stay with us: " + OFFER);
        assertThat(GreenMailUtil.getBody(offer)).contains("Hello Rene,").contains("your contract ends on " + endDate + ". Renew it now and get 15% off"); // quoted-printable wraps the rest
        assertThat(deliveries.forCustomer(customer)).singleElement().satisfies(entry -> {
            assertThat(entry.channel()).isEqualTo("email");
            assertThat(entry.template()).isEqualTo("renewal-offer");
        });
        assertThat(passed(journey, "End_OfferSent")).isTrue();
    }

    @Test
    void aNewContractEndDateByPatchRePlansTheWait() {
        String email = "pat-" + UUID.randomUUID() + "@example.com";
        String customer = customer(email, "\"firstName\": \"Pat\"");
        LocalDate endDate = LocalDate.ofInstant(start, zone).plusDays(60);
        event("contract_started", customer, "{\"contractId\": \"K-2\", \"traits\": {\"contractEndDate\": \"%s\"}}".formatted(endDate));
        ProcessInstance journey = journey("renewal", customer);
        LocalDate extended = endDate.plusDays(31);

        assertThat(send(request("/api/customers/" + customer + "/attributes").header("Authorization", basic(USER, PASSWORD))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"contractEndDate\": \"%s\"}".formatted(extended))).build()).statusCode())
                .isEqualTo(200);

        Instant reminder = ZonedDateTime.of(extended.minusDays(30), LocalTime.of(9, 0), zone).toInstant();
        assertThat(timer(journey)).isEqualTo(reminder);
        after(Duration.ofDays(31), journey.getId());
        assertThat(emailsTo(email)).as("the old date passed: nothing").isEmpty();
        after(Duration.between(start, reminder), journey.getId());
        assertThat(GreenMailUtil.getBody(emailsTo(email, 1).get(0))).contains("your contract ends on " + extended);
    }

    @Test
    void aCustomerWhoAskedToCancelGetsNoOffer() {
        String email = "bye-" + UUID.randomUUID() + "@example.com";
        String customer = customer(email, "\"firstName\": \"Bo\", \"cancellationRequested\": true");
        event("contract_started", customer, "{\"traits\": {\"contractEndDate\": \"%s\"}}".formatted(LocalDate.ofInstant(start, zone).plusDays(40)));
        ProcessInstance journey = journey("renewal", customer);

        after(Duration.ofDays(11), journey.getId());

        assertThat(passed(journey, "End_NotEligible")).isTrue();
        assertThat(passed(journey, "Send_RenewalOffer")).isFalse();
        assertThat(emailsTo(email)).isEmpty();
        assertThat(deliveries.forCustomer(customer)).isEmpty();
    }

    private Instant timer(ProcessInstance journey) {
        return management.createJobQuery().processInstanceId(journey.getId()).timers().singleResult().getDuedate().toInstant();
    }
}
