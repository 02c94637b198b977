package io.touchpoint.decisions;

import static io.touchpoint.decisions.RuleFixtures.customer;
import static io.touchpoint.decisions.RuleFixtures.decide;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

/** rules/quiet-hours.drl.csv with fact fixtures, in Berlin across both DST changes of 2026. No Spring, no database. */
class QuietHoursRulesTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    @Test
    void aMarketingMessageAtHalfPastTenInTheEveningWaitsUntilEightAcrossTheSpringForwardNight() {
        // 28 March 22:30 CET (+01:00); the clocks jump at 02:00 on the 29th, so 08:00 is CEST (+02:00) = 06:00 UTC
        Decision decision = reminderAt(ZonedDateTime.of(2026, 3, 28, 22, 30, 0, 0, BERLIN));

        assertThat(decision.getSendAt()).isEqualTo(Instant.parse("2026-03-29T06:00:00Z"));
        assertThat(decision.getReasons()).contains("No marketing message between 21:00 and 08:00 local time");
    }

    @Test
    void aMarketingMessageBeforeMidnightWaitsUntilEightAcrossTheFallBackNight() {
        // 24 October 23:30 CEST (+02:00); the clocks go back at 03:00 on the 25th, so 08:00 is CET (+01:00) = 07:00 UTC
        Decision decision = reminderAt(ZonedDateTime.of(2026, 10, 24, 23, 30, 0, 0, BERLIN));

        assertThat(decision.getSendAt()).isEqualTo(Instant.parse("2026-10-25T07:00:00Z"));
    }

    @Test
    void inTheRepeatedHourOfTheFallBackNightTheMessageStillWaitsUntilEight() {
        Instant secondTwoThirty = Instant.parse("2026-10-25T01:30:00Z"); // 02:30 CET, the second 02:30 of the night
        Decision decision = decide(DecisionRequest.of("reminder", "c-1").withSendingPolicy(), customer().zone("Europe/Berlin").build(), secondTwoThirty);

        assertThat(decision.getSendAt()).isEqualTo(Instant.parse("2026-10-25T07:00:00Z"));
    }

    @Test
    void earlyMorningWaitsUntilEightTheSameDayAndDaytimeGoesNow() {
        assertThat(reminderAt(ZonedDateTime.of(2026, 11, 22, 5, 0, 0, 0, BERLIN)).getSendAt())
                .isEqualTo(ZonedDateTime.of(2026, 11, 22, 8, 0, 0, 0, BERLIN).toInstant());
        Instant eight = ZonedDateTime.of(2026, 11, 22, 8, 0, 0, 0, BERLIN).toInstant();
        assertThat(reminderAt(eight.atZone(BERLIN)).getSendAt()).isEqualTo(eight);
        Instant justBeforeNine = ZonedDateTime.of(2026, 11, 22, 20, 59, 0, 0, BERLIN).toInstant();
        assertThat(reminderAt(justBeforeNine.atZone(BERLIN)).isDeferred()).isFalse();
    }

    @Test
    void transactionalMessagesIgnoreQuietHours() {
        Instant lateEvening = ZonedDateTime.of(2026, 3, 28, 23, 0, 0, 0, BERLIN).toInstant();
        Decision decision = decide(DecisionRequest.of("receipt", "c-1").withSendingPolicy().category("transactional"),
                customer().zone("Europe/Berlin").build(), lateEvening);

        assertThat(decision.getSendAt()).isEqualTo(lateEvening);
    }

    private static Decision reminderAt(ZonedDateTime local) {
        return decide(DecisionRequest.of("reminder", "c-1").withSendingPolicy(), customer().zone("Europe/Berlin").build(), local.toInstant());
    }
}
