package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.touchpoint.journeys.JourneyScenario.SentMessage;
import io.touchpoint.journeys.JourneyScenario.Time;

/** The scenario format: the shipped files read, bad fields are named, differences read as sentences. No engine. */
class JourneyScenarioTest {

    private static final String ONE = """
            journey: abandonedCart
            scenarios:
              - name: reminder
                customer: {timeZone: Europe/Berlin}
                events:
                  - {at: day 0 10:00, type: cart_abandoned, properties: {total: 129}}
                expect:
                  messages:
                    - {at: day 0 11:00, channel: email, template: abandoned-cart-reminder, contains: "10% off"}
                  end: End_ReminderSent
            """;

    @Test
    void everyShippedScenarioFileReads() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("../workflows/tests"))) {
            List<Path> yaml = files.filter(file -> file.toString().endsWith(".yaml")).toList();
            assertThat(yaml).isNotEmpty();
            for (Path file : yaml) {
                assertThat(JourneyScenario.parse(file.getFileName().toString(), Files.readString(file))).as(file.toString()).isNotEmpty();
            }
        }
    }

    @Test
    void aScenarioReadsItsCustomerEventsAndExpectations() {
        JourneyScenario scenario = JourneyScenario.parse("cart.yaml", ONE).get(0);

        assertThat(scenario.journey()).isEqualTo("abandonedCart");
        assertThat(scenario.customer().timeZone().getId()).isEqualTo("Europe/Berlin");
        assertThat(scenario.events()).singleElement().satisfies(event -> {
            assertThat(event.at()).isEqualTo(new Time(0, LocalTime.of(10, 0)));
            assertThat(event.properties()).containsEntry("total", 129);
        });
        assertThat(scenario.startInstant()).hasToString("2026-03-01T23:00:00Z");
        assertThat(scenario.endInstant()).as("120 days after the last event by default").hasToString("2026-06-30T09:00:00Z");
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        assertThatThrownBy(() -> JourneyScenario.parse("x.yaml", ONE.replace("day 0 10:00", "tomorrow")))
                .hasMessage("x.yaml scenarios[0].events[0].at: 'tomorrow' is not a scenario time like 'day 0 10:00'");
        assertThatThrownBy(() -> JourneyScenario.parse("x.yaml", ONE.replace("channel: email", "channel: fax")))
                .hasMessageStartingWith("x.yaml scenarios[0].expect.messages[0].channel: 'fax' is not one of");
        assertThatThrownBy(() -> JourneyScenario.parse("x.yaml", ONE.replace("timeZone: Europe/Berlin", "timeZone: Mars/Olympus")))
                .hasMessage("x.yaml scenarios[0].customer.timeZone: 'Mars/Olympus' is not a time zone like Europe/Berlin");
        assertThatThrownBy(() -> JourneyScenario.parse("x.yaml", ONE.replace("end: End_ReminderSent", "ends: End_ReminderSent")))
                .hasMessageStartingWith("x.yaml scenarios[0].expect.ends: unknown field");
        assertThatThrownBy(() -> JourneyScenario.parse("x.yaml", ONE.replace("      end: End_ReminderSent\n", "")))
                .hasMessageStartingWith("x.yaml scenarios[0].expect: name 'end'");
        assertThatThrownBy(() -> JourneyScenario.parse("x.yaml", ONE.replace("customer: {timeZone: Europe/Berlin}", "customer: {phone: +4915112345678}")))
                .hasMessageStartingWith("x.yaml scenarios[0].customer.phone: put the number in quotes");
        assertThatThrownBy(() -> JourneyScenario.parse("x.yaml", "journey: [")).hasMessageStartingWith("x.yaml: not valid YAML");
    }

    @Test
    void differencesSayWhatWasExpectedAndWhatHappened() {
        JourneyScenario scenario = JourneyScenario.parse("cart.yaml", ONE).get(0);
        Time eleven = new Time(0, LocalTime.of(11, 0));

        assertThat(scenario.differences(List.of(new SentMessage(eleven, "Send_ReminderEmail", "email", "abandoned-cart-reminder",
                "Get 10% off now")), List.of("End_ReminderSent"), List.of())).isEmpty();
        assertThat(scenario.differences(List.of(new SentMessage(new Time(1, LocalTime.of(8, 0)), "Send_ReminderEmail", "sms",
                "abandoned-cart-reminder", "free shipping")), List.of(), List.of("Timer_X"))).containsExactly(
                "message 1: expected day 0 11:00 email abandoned-cart-reminder containing '10% off', but sent day 1 08:00 sms "
                        + "abandoned-cart-reminder (Send_ReminderEmail) with channel sms, at day 1 08:00, content without '10% off': 'free shipping'",
                "end: expected the journey to end at End_ReminderSent, but it waits at Timer_X");
        assertThat(scenario.differences(List.of(), List.of(), List.of())).containsExactly(
                "message 1: expected day 0 11:00 email abandoned-cart-reminder containing '10% off', but nothing more was sent",
                "end: expected the journey to end at End_ReminderSent, but the journey never started");
    }
}
