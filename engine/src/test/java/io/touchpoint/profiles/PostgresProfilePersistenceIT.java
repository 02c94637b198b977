package io.touchpoint.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * The profile persistence contract on the {@code postgres} profile, against the PostgreSQL server on this machine
 * (database {@code touchpoint_it}, created afresh by {@code .ci/run}; another one with {@code TOUCHPOINT_IT_DB_URL}).
 */
@ActiveProfiles({"test", "postgres"})
@TestPropertySource(properties = "spring.datasource.url=${TOUCHPOINT_IT_DB_URL:jdbc:postgresql://127.0.0.1:5432/touchpoint_it}")
class PostgresProfilePersistenceIT extends ProfilePersistenceContract {

    @Test
    void theseTestsRunOnPostgres() {
        assertThat(jdbc.queryForObject("select version()", String.class)).startsWith("PostgreSQL");
    }
}
