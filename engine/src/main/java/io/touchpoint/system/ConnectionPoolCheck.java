package io.touchpoint.system;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Checks at start that the database keeps the engine's promises (README "Guarantees"). The connection pool must
 * be larger than the number of threads that can hold a connection in a transaction while they wait for work that
 * takes one more (a Hazelcast partition thread writing the profile they changed): with fewer, they can take every
 * connection and wait for each other until the pool's timeout. Those threads are the job executor's, the HTTP
 * intake's and each enabled broker route's; the start fails when the pool is too small. (That a commit is
 * in the database file when it returns is {@link DurableTransactionManager}'s part.)
 */
@Component
class ConnectionPoolCheck implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(ConnectionPoolCheck.class);

    private final DataSource dataSource;
    private final Environment settings;

    ConnectionPoolCheck(DataSource dataSource, Environment settings) {
        this.dataSource = dataSource;
        this.settings = settings;
    }

    @Override
    public void afterPropertiesSet() {
        checkPoolSize();
    }

    /** Threads that can hold a pooled connection in a transaction and need another one meanwhile, by who they are. */
    Map<String, Integer> connectionHolders() {
        Map<String, Integer> holders = new LinkedHashMap<>();
        if (flag("camunda.bpm.job-execution.enabled", true)) {
            holders.put("job executor (camunda.bpm.job-execution.max-pool-size)", number("camunda.bpm.job-execution.max-pool-size", 10));
        }
        holders.put("HTTP intake (touchpoint.events.http-threads)", number("touchpoint.events.http-threads", 8));
        if (flag("touchpoint.events.rabbitmq.enabled", false)) {
            holders.put("RabbitMQ lanes (touchpoint.events.rabbitmq.lanes)", number("touchpoint.events.rabbitmq.lanes", 4));
        }
        if (flag("touchpoint.events.kafka.enabled", false)) {
            holders.put("Kafka consumers (touchpoint.events.kafka.consumers)", number("touchpoint.events.kafka.consumers", 2));
        }
        for (String single : List.of("mqtt", "file")) {
            if (flag("touchpoint.events." + single + ".enabled", false)) {
                holders.put(single + " intake", 1);
            }
        }
        return holders;
    }

    private void checkPoolSize() {
        if (!(dataSource instanceof HikariDataSource pool)) {
            return;
        }
        Map<String, Integer> holders = connectionHolders();
        int needed = holders.values().stream().mapToInt(Integer::intValue).sum() + 1;
        if (pool.getMaximumPoolSize() < needed) {
            throw new IllegalStateException("The database connection pool has " + pool.getMaximumPoolSize()
                    + " connections, but " + (needed - 1) + " threads can hold one while they need another " + holders
                    + ": set spring.datasource.hikari.maximum-pool-size (TOUCHPOINT_DB_POOL_SIZE) to at least " + needed
                    + ", or lower those threads");
        }
        log.info("Database connection pool: {} connections for {} threads that may hold one {}", pool.getMaximumPoolSize(), needed - 1, holders);
    }

    private boolean flag(String key, boolean otherwise) {
        return settings.getProperty(key, Boolean.class, otherwise);
    }

    private int number(String key, int otherwise) {
        return settings.getProperty(key, Integer.class, otherwise);
    }
}
