package io.touchpoint.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.touchpoint.PostgresTest;

/**
 * The profile persistence contract on the {@code postgres} profile, against the PostgreSQL server on this machine
 * (database {@code touchpoint_it}, created afresh by {@code .ci/run}; another one with {@code TOUCHPOINT_IT_DB_URL}).
 */
@PostgresTest
class PostgresProfilePersistenceIT extends ProfilePersistenceContract {

    @Test
    void theseTestsRunOnPostgres() {
        assertThat(jdbc.queryForObject("select version()", String.class)).startsWith("PostgreSQL");
    }
}
