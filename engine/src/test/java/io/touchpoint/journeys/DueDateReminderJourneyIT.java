package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.UUID;

import jakarta.mail.internet.MimeMessage;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.util.GreenMailUtil;

/**
 * workflows/due-date-reminder.bpmn end to end: three weeks before the profile's expectedDeliveryDate at 09:00 local
 * time the offer the rules chose goes out by email; ordering the hospital bag before is the goal.
 */
class DueDateReminderJourneyIT extends JourneyEndToEnd {

    @Test
    void aFirstPregnancyGetsThePersonalAssistantOfferThreeWeeksBeforeAtNineLocal() throws Exception {
        String email = "ana-" + UUID.randomUUID() + "@example.com";
        LocalDate dueDate = LocalDate.ofInstant(start, zone).plusDays(30);
        String customer = customer(email, "\"firstName\": \"Ana\", \"expectedDeliveryDate\": \"%s\", \"firstPregnancy\": true".formatted(dueDate));
        event("due_date_set", customer, "{}");
        ProcessInstance journey = journey("dueDateReminder", customer);
        ZonedDateTime reminder = ZonedDateTime.of(dueDate.minusDays(21), LocalTime.of(9, 0), zone);
        assertThat(management.createJobQuery().processInstanceId(journey.getId()).timers().singleResult().getDuedate().toInstant())
                .isEqualTo(reminder.toInstant());

        after(Duration.between(start, reminder.toInstant()), journey.getId());

        MimeMessage offer = emailsTo(email, 1).get(0);
        assertThat(offer.getSubject()).isEqualTo("Three weeks to go: let's pack your hospital bag together");
        assertThat(GreenMailUtil.getBody(offer)).contains("Hello Ana,").contains("a personal assistant who packs the hospital bag with you");
        assertThat(deliveries.forCustomer(customer)).singleElement().satisfies(entry -> {
            assertThat(entry.channel()).isEqualTo("email");
            assertThat(entry.template()).isEqualTo("hospital-bag-personal-assistant");
        });
        assertThat(ended(journey)).isTrue();
        assertThat(passed(journey, "End_Reminded")).isTrue();
    }

    @Test
    void otherCustomersGetTheReadyMadeBag() throws Exception {
        String email = "bea-" + UUID.randomUUID() + "@example.com";
        LocalDate dueDate = LocalDate.ofInstant(start, zone).plusDays(30);
        String customer = customer(email, "\"firstName\": \"Bea\", \"expectedDeliveryDate\": \"%s\"".formatted(dueDate));
        event("due_date_set", customer, "{}");
        ProcessInstance journey = journey("dueDateReminder", customer);

        after(Duration.ofDays(10), journey.getId());

        MimeMessage offer = emailsTo(email, 1).get(0);
        assertThat(offer.getSubject()).isEqualTo("Three weeks to go: is your hospital bag packed?");
        assertThat(GreenMailUtil.getBody(offer)).contains("our ready-made hospital bag");
        assertThat(passed(journey, "End_Reminded")).isTrue();
    }

    @Test
    void orderingTheBagBeforeEndsTheJourneyAtTheGoalWithoutAnEmail() {
        String email = "cleo-" + UUID.randomUUID() + "@example.com";
        String customer = customer(email, "\"expectedDeliveryDate\": \"%s\"".formatted(LocalDate.ofInstant(start, zone).plusDays(30)));
        event("due_date_set", customer, "{}");
        ProcessInstance journey = journey("dueDateReminder", customer);

        event("hospital_bag_ordered", customer, "{}");
        after(Duration.ofDays(10), journey.getId());

        assertThat(ended(journey)).isTrue();
        assertThat(passed(journey, "End_BagOrdered")).as("the run ended at its goal").isTrue();
        assertThat(passed(journey, "End_Reminded")).isFalse();
        assertThat(goalsOf(journey)).singleElement().satisfies(goal -> assertThat(goal).containsEntry("journey_key", "dueDateReminder")
                .containsEntry("goal_activity_id", "End_BagOrdered").containsEntry("event_type", "hospital_bag_ordered").containsEntry("customer_id", customer));
        assertThat(emailsTo(email)).isEmpty();
        assertThat(deliveries.forCustomer(customer)).isEmpty();
    }
}
