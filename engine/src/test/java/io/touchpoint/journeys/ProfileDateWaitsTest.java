package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.touchpoint.profiles.CustomerProfile;

/** The due date of "Wait until profile date" in the customer's time zone; pure computation, no engine. */
class ProfileDateWaitsTest {

    @Test
    void aLocalTimeThatTheSpringForwardSkipsMovesForwardByTheGap() {
        assertThat(waits("Europe/Berlin", "2027-03-28").dueInstant("c", "day", "P0D", "02:30"))
                .as("02:30 does not exist on 28 March 2027 in Berlin: 03:30 CEST").isEqualTo(Instant.parse("2027-03-28T01:30:00Z"));
    }

    @Test
    void theSameLocalTimeAfterTheAutumnChangeIsAnHourLaterInUtc() {
        assertThat(waits("America/New_York", "2027-11-01").dueInstant("c", "day", "-P1D", "09:00")).isEqualTo(Instant.parse("2027-10-31T13:00:00Z"));
        assertThat(waits("America/New_York", "2027-11-08").dueInstant("c", "day", "-P1D", "09:00")).isEqualTo(Instant.parse("2027-11-07T14:00:00Z"));
    }

    @Test
    void aDateTimeAttributeCountsByTheCustomersLocalDate() {
        assertThat(waits("Asia/Tokyo", "2027-05-01T20:00:00Z").dueInstant("c", "day", "P0D", "09:00"))
                .as("20:00Z is already 2 May in Tokyo").isEqualTo(Instant.parse("2027-05-02T00:00:00Z"));
    }

    @Test
    void anUnknownTimeZoneFallsBackToUtc() {
        assertThat(waits("Mars/Olympus", "2027-05-01").dueInstant("c", "day", "P0D", "09:00")).isEqualTo(Instant.parse("2027-05-01T09:00:00Z"));
    }

    @Test
    void aValueThatIsNoDateMeansWaitingUntilOneArrives() {
        assertThat(waits("Europe/Berlin", "soon").dueInstant("c", "day", "P0D", "09:00")).isEqualTo(ProfileDateWaits.NOT_YET_KNOWN);
    }

    private static ProfileDateWaits waits(String zone, String day) {
        CustomerProfile profile = new CustomerProfile("c", null, null, Set.of(), Map.of("day", day), Map.of(), zone, null, 1, Instant.EPOCH, Instant.EPOCH);
        return new ProfileDateWaits(id -> Optional.of(profile));
    }
}
