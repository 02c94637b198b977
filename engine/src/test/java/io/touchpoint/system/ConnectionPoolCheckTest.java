package io.touchpoint.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** The start refuses a pool the threads that hold a connection could exhaust (no database: the pool is never opened). */
class ConnectionPoolCheckTest {

    @Test
    void aPoolNoLargerThanTheThreadsThatHoldAConnectionStopsTheStartNamingTheSetting() {
        MockEnvironment settings = new MockEnvironment()
                .withProperty("camunda.bpm.job-execution.max-pool-size", "10")
                .withProperty("touchpoint.events.http-threads", "8")
                .withProperty("touchpoint.events.rabbitmq.enabled", "true");

        assertThatThrownBy(() -> new ConnectionPoolCheck(pool(22), settings).afterPropertiesSet())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has 22 connections, but 22 threads can hold one")
                .hasMessageContaining("RabbitMQ lanes (touchpoint.events.rabbitmq.lanes)=4")
                .hasMessageContaining("TOUCHPOINT_DB_POOL_SIZE) to at least 23");
    }

    @Test
    void aPoolWithOneConnectionMoreThanThoseThreadsStarts() {
        MockEnvironment settings = new MockEnvironment().withProperty("camunda.bpm.job-execution.max-pool-size", "10");

        assertThat(new ConnectionPoolCheck(pool(19), settings).connectionHolders()).containsValues(10, 8);
        assertThatCode(() -> new ConnectionPoolCheck(pool(19), settings).afterPropertiesSet()).doesNotThrowAnyException();
    }

    private static HikariDataSource pool(int size) {
        HikariDataSource pool = new HikariDataSource();
        pool.setMaximumPoolSize(size);
        return pool;
    }
}
