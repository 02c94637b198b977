package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.touchpoint.profiles.CustomerProfile;

/**
 * The due date of "Wait until date": a date from the profile, the starting or the latest event, an ISO-8601 offset,
 * an optional local time of day in the customer's time zone; pure computation, no engine.
 */
class ProfileDateWaitsTest {

    @Test
    void aLocalTimeThatTheSpringForwardSkipsMovesForwardByTheGap() {
        assertThat(due("Europe/Berlin", "2027-03-28", "P0D", "02:30"))
                .as("02:30 does not exist on 28 March 2027 in Berlin: 03:30 CEST").isEqualTo(Instant.parse("2027-03-28T01:30:00Z"));
    }

    @Test
    void theSameLocalTimeAfterTheAutumnChangeIsAnHourLaterInUtc() {
        assertThat(due("America/New_York", "2027-11-01", "-P1D", "09:00")).isEqualTo(Instant.parse("2027-10-31T13:00:00Z"));
        assertThat(due("America/New_York", "2027-11-08", "-P1D", "09:00")).isEqualTo(Instant.parse("2027-11-07T14:00:00Z"));
    }

    @Test
    void aDateTimeAttributeCountsByTheCustomersLocalDate() {
        assertThat(due("Asia/Tokyo", "2027-05-01T20:00:00Z", "P0D", "09:00"))
                .as("20:00Z is already 2 May in Tokyo").isEqualTo(Instant.parse("2027-05-02T00:00:00Z"));
    }

    @Test
    void anUnknownTimeZoneFallsBackToUtc() {
        assertThat(due("Mars/Olympus", "2027-05-01", "P0D", "09:00")).isEqualTo(Instant.parse("2027-05-01T09:00:00Z"));
    }

    @Test
    void aValueThatIsNoDateMeansWaitingUntilOneArrives() {
        assertThat(due("Europe/Berlin", "soon", "P0D", "09:00")).isEqualTo(ProfileDateWaits.NOT_YET_KNOWN);
    }

    @Test
    void twentyFourHoursBeforeADepartureOfTheStartingEventNeedsNoTimeOfDay() {
        DateWaitBlock block = DateWaitBlock.of("trigger", "departureAt", "-PT24H", "");
        Map<String, Object> trigger = Map.of("type", "flight_booked", "properties", Map.of("departureAt", "2026-12-01T08:00:00Z"));

        assertThat(ProfileDateWaits.dueInstant(block, profile("Europe/Berlin", Map.of()), variables(trigger, null)))
                .isEqualTo(Instant.parse("2026-11-30T08:00:00Z"));
    }

    @Test
    void aDayBeforeAndTwoHoursIsACalendarDayInTheCustomersZoneThenExactHours() {
        DateWaitBlock block = DateWaitBlock.of("trigger", "departureAt", "-P1DT2H", null);
        Map<String, Object> trigger = Map.of("properties", Map.of("departureAt", "2027-03-29T08:00:00+02:00"));

        assertThat(ProfileDateWaits.dueInstant(block, profile("Europe/Berlin", Map.of()), variables(trigger, null)))
                .as("28 March 08:00 CEST is 06:00Z, two hours earlier 04:00Z; 24 hours before would be 05:00Z")
                .isEqualTo(Instant.parse("2027-03-28T04:00:00Z"));
    }

    @Test
    void threeDaysAfterADeliveryDateAtTenLocal() {
        DateWaitBlock block = DateWaitBlock.of("lastEvent", "order.deliveredAt", "P3D", "10:00");
        Map<String, Object> lastEvent = Map.of("properties", Map.of("order", Map.of("deliveredAt", "2026-12-01")));

        assertThat(ProfileDateWaits.dueInstant(block, profile("America/New_York", Map.of()), variables(Map.of(), lastEvent)))
                .isEqualTo(Instant.parse("2026-12-04T15:00:00Z"));
    }

    @Test
    void theLatestEventIsTheStartingOneUntilAnotherMovesTheJourney() {
        DateWaitBlock block = DateWaitBlock.of("lastEvent", "occurredAt", "PT1H", null);

        assertThat(ProfileDateWaits.dueInstant(block, profile("UTC", Map.of()), variables(Map.of("occurredAt", "2026-12-01T08:00:00Z"), null)))
                .as("a field of the event itself when no property has the name").isEqualTo(Instant.parse("2026-12-01T09:00:00Z"));
    }

    @Test
    void withoutTheEventPropertyTheWaitLastsUntilItArrives() {
        DateWaitBlock block = DateWaitBlock.of("trigger", "departureAt", "-PT24H", null);

        assertThat(ProfileDateWaits.dueInstant(block, null, variables(Map.of("properties", Map.of()), null))).isEqualTo(ProfileDateWaits.NOT_YET_KNOWN);
    }

    @Test
    void offsetsAreIsoPeriodsDurationsAndBoth() {
        assertThat(IsoOffset.parse("-P21D")).isEqualTo(new IsoOffset(Period.ofDays(-21), Duration.ZERO));
        assertThat(IsoOffset.parse("-PT24H")).isEqualTo(new IsoOffset(Period.ZERO, Duration.ofHours(-24)));
        assertThat(IsoOffset.parse("-P1DT2H")).isEqualTo(new IsoOffset(Period.ofDays(-1), Duration.ofHours(-2)));
        assertThat(IsoOffset.parse("P2W")).isEqualTo(new IsoOffset(Period.ofDays(14), Duration.ZERO));
        assertThat(IsoOffset.parse("P1Y2M3DT4H5M6.5S").toString()).isEqualTo("P1Y2M3DT4H5M6.5S");
        assertThat(IsoOffset.parse("-P1DT2H").toString()).isEqualTo("-P1DT2H");
        assertThat(IsoOffset.parse("P0D").toString()).isEqualTo("P0D");
        for (String bad : new String[] {"", "P", "PT", "-P1DT", "P1H", "24H", "P-1D", "P1D2H", "P99999999999D", "P1000000000Y"}) {
            assertThatThrownBy(() -> IsoOffset.parse(bad)).as(bad).isInstanceOf(java.time.format.DateTimeParseException.class);
        }
    }

    @Test
    void theBlockIsReadTheSameWayUnderItsFormerName() {
        DateWaitBlock former = DateWaitBlock.of(Map.of("touchpoint.block", "waitUntilProfileDate", "attribute", "expectedDeliveryDate",
                "offset", "-P21D", "timeOfDay", "09:00"));

        assertThat(former.source()).isEqualTo(DateWaitBlock.Source.PROFILE);
        assertThat(former.expression()).isEqualTo("${journeyDates.dueDate(execution, 'profile', 'expectedDeliveryDate', '-P21D', '09:00')}");
        assertThatThrownBy(() -> DateWaitBlock.of(Map.of("source", "order", "attribute", "x"))).hasMessageContaining("'source' is 'order'");
        assertThatThrownBy(() -> DateWaitBlock.of(Map.of("attribute", "a.b"))).hasMessageContaining("no dots");
        assertThatThrownBy(() -> DateWaitBlock.of(Map.of("attribute", "x", "timeOfDay", "25:00"))).hasMessageContaining("'timeOfDay' is '25:00'");
        assertThatThrownBy(() -> DateWaitBlock.of(Map.of("attribute", "x", "offset", "-PT24X"))).hasMessageContaining("'offset' is '-PT24X'");
    }

    private static Instant due(String zone, String day, String offset, String timeOfDay) {
        return ProfileDateWaits.dueInstant(DateWaitBlock.of("profile", "day", offset, timeOfDay), profile(zone, Map.of("day", day)), name -> null);
    }

    private static java.util.function.Function<String, Object> variables(Object trigger, Object lastEvent) {
        return name -> switch (name) {
            case JourneyDispatcher.TRIGGER -> trigger;
            case JourneyDispatcher.LAST_EVENT -> lastEvent;
            default -> null;
        };
    }

    private static CustomerProfile profile(String zone, Map<String, Object> attributes) {
        return new CustomerProfile("c", null, null, Set.of(), attributes, Map.of(), zone, null, 1, Instant.EPOCH, Instant.EPOCH);
    }
}
