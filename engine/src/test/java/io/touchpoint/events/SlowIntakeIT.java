package io.touchpoint.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import org.apache.catalina.connector.Connector;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

import io.touchpoint.EngineIT;

/**
 * An event whose transaction takes longer than the servlet container's async timeout (here cut to 300 ms) is
 * answered when it commits, 202, never 503 while it still commits behind the answer: the event id's row is held by
 * another transaction for a second, so the intake waits for it (H2's lock wait), then commits.
 */
@Import(SlowIntakeIT.ShortContainerTimeout.class)
@TestPropertySource(properties = "camunda.bpm.process-engine-name=slowIntake") // a context of its own: an engine of its own name
class SlowIntakeIT extends EngineIT {

    @TestConfiguration
    static class ShortContainerTimeout {
        @Bean
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> shortAsyncTimeout() {
            return factory -> factory.addConnectorCustomizers((Connector connector) -> connector.setAsyncTimeout(300));
        }
    }

    @Autowired
    DataSource dataSource;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void anEventThatWaitsLongerThanTheContainersTimeoutIsAnsweredWhenItCommits() throws Exception {
        String eventId = "slow-" + UUID.randomUUID();
        String customer = "c-slow-" + UUID.randomUUID();
        HttpResponse<String> response;
        try (Connection holder = dataSource.getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement hold = holder.prepareStatement(
                    "insert into customer_event (event_id, customer_id, type, occurred_at, received_at, payload) values (?, ?, 'held', ?, ?, '{}')")) {
                hold.setString(1, eventId);
                hold.setString(2, customer);
                hold.setTimestamp(3, Timestamp.from(Instant.now()));
                hold.setTimestamp(4, Timestamp.from(Instant.now()));
                hold.executeUpdate();
            }
            CompletableFuture<HttpResponse<String>> answer = CompletableFuture.supplyAsync(() -> post("/api/events", """
                    {"eventId": "%s", "type": "page_viewed", "customerId": "%s"}""".formatted(eventId, customer)));
            // the intake now waits for the held row; the container's 300 ms pass without an answer
            assertThatThrownBy(() -> answer.get(1, TimeUnit.SECONDS)).as("no 503 while the event's transaction waits")
                    .isInstanceOf(TimeoutException.class);
            holder.rollback();
            response = answer.get(30, TimeUnit.SECONDS);
        }

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(jdbc.queryForObject("select type from customer_event where event_id = ?", String.class, eventId)).isEqualTo("page_viewed");
    }
}
