package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.touchpoint.events.CustomerEvent;

/** The job a node writes for a sandbox reads back the same in the sandbox (no engine needed). */
class SandboxJobTest {

    @Test
    void aBacktestJobReadsBackWithItsEventsAndProfiles() throws Exception {
        CustomerEvent profile = new CustomerEvent(null, "profile_updated", "c-1", Map.of("email", "ada@example.com"), null,
                Map.of("traits", Map.of("firstName", "Ada"), "consents", Map.of("email", false), "timeZone", "Europe/Berlin"));
        CustomerEvent cart = new CustomerEvent("e-1", "cart_abandoned", "c-1", Map.of(), Instant.parse("2025-06-02T10:00:00Z"),
                Map.of("total", 129.0, "items", List.of(Map.of("sku", "D-1"))));
        SandboxJob job = new SandboxJob("abandonedCart", null, List.of(profile), List.of(cart), Instant.parse("2025-06-09T00:00:00Z"));

        SandboxJob read = SandboxJob.JSON.readValue(SandboxJob.JSON.writeValueAsString(job), SandboxJob.class);

        assertThat(read.isBacktest()).isTrue();
        assertThat(read.profiles().get(0).properties()).isEqualTo(profile.properties());
        assertThat(read.events().get(0).properties()).isEqualTo(cart.properties());
        assertThat(read.events().get(0).occurredAt()).isEqualTo(cart.occurredAt());
        assertThat(read.until()).isEqualTo(job.until());
    }
}
