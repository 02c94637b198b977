package io.touchpoint.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

import org.camunda.bpm.engine.RuntimeService;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import io.touchpoint.EngineIT;
import io.touchpoint.journeys.AbandonedCartJourneyIT;

/** Base of the console's browser tests: the whole engine plus ways to seed what the pages show (incidents, customers). */
abstract class ConsoleIT extends EngineIT {

    @Autowired
    RuntimeService runtime;
    @Autowired
    JavaMailSenderImpl mailSender;
    @Autowired
    JdbcTemplate jdbc;

    /** A customer whose cart reminder failed at an unreachable mail server until the engine raised an incident. */
    record FailedReminder(String customer, String journey, String incident) {
    }

    FailedReminder failedReminder(String email) {
        String customer = AbandonedCartJourneyIT.newCustomer();
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(customer, email, 129.0));
        String journey = runtime.createProcessInstanceQuery().processInstanceBusinessKey(customer).singleResult().getId();
        int smtpPort = mailSender.getPort();
        try {
            mailSender.setPort(closedPort());
            failJobsUntilIncident(journey);
        } finally {
            mailSender.setPort(smtpPort);
        }
        return new FailedReminder(customer, journey, runtime.createIncidentQuery().processInstanceId(journey).singleResult().getId());
    }

    /** Runs the journey's jobs, each failing, until the engine has used up the retries and raised an incident. */
    void failJobsUntilIncident(String journey) {
        for (int attempt = 0; attempt < 10 && runtime.createIncidentQuery().processInstanceId(journey).count() == 0; attempt++) {
            management.createJobQuery().processInstanceId(journey).withRetriesLeft().list().forEach(job -> {
                try {
                    management.executeJob(job.getId());
                } catch (RuntimeException expected) {
                    // the mail server is unreachable: the engine counts the failure down
                }
            });
        }
        assertThat(runtime.createIncidentQuery().processInstanceId(journey).count()).as("an incident after the last retry").isOne();
    }

    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
