package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.camunda.bpm.engine.RuntimeService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import io.touchpoint.EngineIT;
import io.touchpoint.PostgresTest;

/**
 * The abandoned-cart journey on the {@code postgres} profile, against the PostgreSQL server on this machine
 * (database {@code touchpoint_it}, created afresh by {@code .ci/run}). Its engine has a name of its own: the
 * Camunda REST API serves the engine named "default", which must stay the H2 context's for the other tests.
 */
@PostgresTest
class PostgresJourneyIT extends EngineIT {

    @Autowired
    RuntimeService runtime;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anAbandonedCartLeadsToOneReminderOnPostgres() {
        String customer = AbandonedCartJourneyIT.newCustomer();
        assertThat(jdbc.queryForObject("select version()", String.class)).startsWith("PostgreSQL");

        assertThat(post("/api/events", AbandonedCartJourneyIT.cartAbandoned(customer, "pg@example.com", 150.0)).statusCode()).isEqualTo(202);
        String journey = runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).singleResult().getId();
        runAllJobs(journey);

        await().atMost(Duration.ofSeconds(10)).until(() -> SMTP.getReceivedMessages().length == 1);
        assertThat(jdbc.queryForObject("select email from customer_profile where customer_id = ?", String.class, customer)).isEqualTo("pg@example.com");
        assertThat(jdbc.queryForObject("select status from delivery_log where customer_id = ?", String.class, customer)).isEqualTo("SENT");
    }
}
