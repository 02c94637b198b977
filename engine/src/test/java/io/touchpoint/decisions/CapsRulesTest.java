package io.touchpoint.decisions;

import static io.touchpoint.decisions.RuleFixtures.customer;
import static io.touchpoint.decisions.RuleFixtures.decide;
import static io.touchpoint.decisions.RuleFixtures.sent;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** rules/caps.drl.csv with fact fixtures: caps by local day across journeys and channels, defer or skip, bypass. */
class CapsRulesTest {

    /** 10:00 in Berlin. */
    private static final Instant MORNING_BERLIN = Instant.parse("2026-11-22T09:00:00Z");

    @Test
    void aSecondMarketingMessageTheSameLocalDayWaitsForTomorrowMorning() {
        Decision decision = decide(DecisionRequest.of("reminder", "c-1").withSendingPolicy(), customer().zone("Europe/Berlin").build(),
                List.of(sent("sms", "marketing", "2026-11-22T07:30:00Z")), MORNING_BERLIN);

        assertThat(decision.isEligible()).isTrue();
        assertThat(decision.isDeferred()).isTrue();
        // the cap opens at local midnight, quiet hours then hold the message until 08:00 Berlin (07:00 UTC)
        assertThat(decision.getSendAt()).isEqualTo(Instant.parse("2026-11-23T07:00:00Z"));
        assertThat(decision.getReasons()).contains("At most 1 marketing message a day", "No marketing message between 21:00 and 08:00 local time");
    }

    @Test
    void whenTheJourneySaysSkipACappedMessageIsNotSent() {
        Decision decision = decide(DecisionRequest.of("reminder", "c-1").withSendingPolicy().whenCapped(WhenCapped.SKIP), customer().zone("Europe/Berlin").build(),
                List.of(sent("email", "marketing", "2026-11-22T07:30:00Z")), MORNING_BERLIN);

        assertThat(decision.isEligible()).isFalse();
        assertThat(decision.getSendAt()).isNull();
        assertThat(decision.getReasons()).containsExactly("At most 1 marketing message a day");
    }

    @Test
    void daysAreCountedInTheCustomersTimeZoneNotInUtc() {
        // 03:00 UTC on the 22nd is still the evening of the 21st in New York, so today (the 22nd, local) is free
        Decision decision = decide(DecisionRequest.of("reminder", "c-1").withSendingPolicy(), customer().zone("America/New_York").build(),
                List.of(sent("email", "marketing", "2026-11-22T03:00:00Z")), Instant.parse("2026-11-22T15:00:00Z"));

        assertThat(decision.isDeferred()).isFalse();
        assertThat(decision.getSendAt()).isEqualTo(Instant.parse("2026-11-22T15:00:00Z"));
    }

    @Test
    void threeMessagesFromTwoJourneysOnTwoChannelsInSevenDaysHoldTheFourthUntilTheOldestLeavesTheWindow() {
        List<ContactHistory.Contact> history = List.of(
                sent("email", "marketing", "2026-11-17T10:00:00Z"),   // journey A, Tuesday
                sent("sms", "marketing", "2026-11-19T10:00:00Z"),     // journey B, Thursday
                sent("email", "marketing", "2026-11-21T10:00:00Z"));  // journey A, Saturday

        Decision decision = decide(DecisionRequest.of("reminder", "c-1").withSendingPolicy(), customer().build(), history, Instant.parse("2026-11-22T12:00:00Z"));

        // the window of 7 local days ending on the 24th no longer holds the 17th
        assertThat(decision.getSendAt()).isEqualTo(Instant.parse("2026-11-24T08:00:00Z"));
        assertThat(decision.getReasons()).contains("At most 3 marketing messages in 7 days");
    }

    @Test
    void transactionalMessagesBypassTheCapsAndDoNotCountForMarketing() {
        List<ContactHistory.Contact> busyDay = List.of(sent("email", "marketing", "2026-11-22T08:00:00Z"),
                sent("sms", "marketing", "2026-11-21T08:00:00Z"), sent("email", "marketing", "2026-11-20T08:00:00Z"));
        Decision receipt = decide(DecisionRequest.of("receipt", "c-1").withSendingPolicy().category("transactional"), customer().build(), busyDay,
                Instant.parse("2026-11-22T12:00:00Z"));
        assertThat(receipt.isEligible()).isTrue();
        assertThat(receipt.isDeferred()).isFalse();

        List<ContactHistory.Contact> receiptsOnly = List.of(sent("email", "transactional", "2026-11-22T08:00:00Z"));
        Decision marketing = decide(DecisionRequest.of("reminder", "c-1").withSendingPolicy(), customer().build(), receiptsOnly, Instant.parse("2026-11-22T12:00:00Z"));
        assertThat(marketing.isDeferred()).isFalse();
    }
}
