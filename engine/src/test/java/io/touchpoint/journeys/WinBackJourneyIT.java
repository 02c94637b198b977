package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.icegreen.greenmail.util.GreenMailUtil;

import io.touchpoint.channels.DeliveryLog;

/**
 * workflows/win-back.bpmn end to end: 90 days without an order bring the rules' win-back offer by email; unopened
 * for three days, by SMS too; an order or an opened email ends it earlier.
 */
class WinBackJourneyIT extends JourneyEndToEnd {

    @Autowired
    JourneyRetries retries;

    private static final String OFFER = "20% off your next order with code WELCOME20";

    @Test
    void ninetyDaysWithoutAnOrderBringTheOfferByEmailThenThreeDaysUnopenedBySms() throws Exception {
        String email = "gone-" + UUID.randomUUID() + "@example.com";
        String customer = customer(email, "\"firstName\": \"Gus\"");
        event("order_placed", customer, "{\"orderId\": \"o-1\"}");
        ProcessInstance journey = journey("winBack", customer);

        after(Duration.ofDays(89), journey.getId());
        assertThat(emailsTo(email)).isEmpty();

        after(Duration.ofDays(90), journey.getId());
        MimeMessage offer = emailsTo(email, 1).get(0);
        assertThat(offer.getSubject()).isEqualTo("We miss you: " + OFFER);
        assertThat(GreenMailUtil.getBody(offer)).contains("Hello Gus,").contains(OFFER);
        assertThat(PROVIDERS.received(SMS_PATH)).isEmpty();

        after(Duration.ofDays(93), journey.getId());
        assertThat(PROVIDERS.received(SMS_PATH)).singleElement().satisfies(sms -> {
            String form = URLDecoder.decode(sms.body(), StandardCharsets.UTF_8);
            assertThat(form).contains("To=+4915112345678").contains("Hi Gus, we miss you! " + OFFER + ". Reply STOP to opt out.");
        });
        assertThat(deliveries.forCustomer(customer)).extracting(DeliveryLog.Entry::channel, DeliveryLog.Entry::template, DeliveryLog.Entry::status)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("email", "win-back-offer", DeliveryLog.Status.SENT),
                        org.assertj.core.groups.Tuple.tuple("sms", "win-back-sms", DeliveryLog.Status.SENT));
        assertThat(ended(journey)).isTrue();
        assertThat(passed(journey, "End_SmsSent")).isTrue();
    }

    @Test
    void anOpenedOfferEndsTheJourneyWithoutSms() {
        String email = "opens-" + UUID.randomUUID() + "@example.com";
        String customer = customer(email, "\"firstName\": \"Ola\"");
        event("order_placed", customer, "{\"orderId\": \"o-2\"}");
        ProcessInstance journey = journey("winBack", customer);
        after(Duration.ofDays(90), journey.getId());
        emailsTo(email, 1);

        event("email_opened", customer, "{}");
        after(Duration.ofDays(94), journey.getId());

        assertThat(passed(journey, "End_OfferOpened")).isTrue();
        assertThat(PROVIDERS.received(SMS_PATH)).isEmpty();
    }

    @Test
    void anotherOrderWithinNinetyDaysEndsTheJourneyWithoutAnything() {
        String email = "loyal-" + UUID.randomUUID() + "@example.com";
        String customer = customer(email, "\"firstName\": \"Lou\"");
        event("order_placed", customer, "{\"orderId\": \"o-3\"}");
        ProcessInstance journey = journey("winBack", customer);

        event("order_placed", customer, "{\"orderId\": \"o-4\"}");
        after(Duration.ofDays(91), journey.getId());

        assertThat(passed(journey, "End_OrderedAgain")).isTrue();
        assertThat(emailsTo(email)).isEmpty();
        assertThat(deliveries.forCustomer(customer)).isEmpty();
    }

    @Test
    void anOrderFromACustomerInAbandonedCartEndsThatRunAndStartsOneWinBackRunForThatCustomerOnly() {
        String email = "cart-" + UUID.randomUUID() + "@example.com";
        String customer = customer(email, "\"firstName\": \"Cara\"");
        event("cart_abandoned", customer, "{\"cartId\": \"k-9\", \"items\": [{\"name\": \"Linen dress\", \"quantity\": 1, \"price\": 129.00}], \"total\": 129.00}");
        ProcessInstance cart = journey("abandonedCart", customer);

        event("order_placed", customer, "{\"orderId\": \"o-9\"}");

        assertThat(passed(cart, "End_Converted")).isTrue();
        assertThat(runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).list())
                .as("of the journeys that start on order_placed, win-back; welcome-series has it only as a goal")
                .singleElement().satisfies(run -> {
                    assertThat(run.getProcessDefinitionId()).startsWith("winBack:");
                    assertThat(runtime.getVariable(run.getId(), JourneyDispatcher.CUSTOMER_ID)).isEqualTo(customer);
                });
        assertThat(history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(customer).list())
                .extracting(HistoricProcessInstance::getProcessDefinitionKey).containsExactlyInAnyOrder("abandonedCart", "winBack");
        assertThat(runtime.createProcessInstanceQuery().processDefinitionKey("winBack").list())
                .as("no win-back run without a customer").allSatisfy(run -> assertThat(run.getBusinessKey()).isNotBlank());
        assertThat(history.createHistoricProcessInstanceQuery().processDefinitionKey("winBack").list())
                .as("nor one that ran and ended").allSatisfy(run -> assertThat(run.getBusinessKey()).isNotBlank());
        assertThat(history.createHistoricProcessInstanceQuery().processInstanceBusinessKey(customer).list())
                .allSatisfy(run -> assertThat(runtime.createIncidentQuery().processInstanceId(run.getId()).count()).as("no incident").isZero());
        assertThat(management.createJobQuery().messages().list()).as("no journey step left to retry for this customer")
                .noneMatch(job -> retries.customerOf(job).filter(customer::equals).isPresent());
    }
}
