package io.touchpoint.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A commit through {@link DurableTransactionManager} is in the H2 file when it returns, although H2 itself writes
 * only once a minute here: {@code SHUTDOWN IMMEDIATELY} closes the database as kill -9 would, without writing what
 * is not written yet, and the rows are there when it opens again. The plain manager loses them (the test could fail).
 */
class DurableTransactionManagerTest {

    @TempDir
    Path folder;

    /** A file database with an empty table written to the file, that H2 writes to on its own only once a minute. */
    private record Database(String url, Connection keeper, SimpleDriverDataSource dataSource) implements AutoCloseable {

        /** Closes the database as kill -9 would: what H2 has not written yet is lost. */
        @Override
        public void close() throws Exception {
            keeper.createStatement().execute("shutdown immediately");
            keeper.close();
        }
    }

    private Database database(String name) throws Exception {
        String url = "jdbc:h2:file:" + folder.resolve(name) + ";WRITE_DELAY=60000";
        Connection keeper = DriverManager.getConnection(url, "sa", "");
        keeper.createStatement().execute("create table event (id int primary key)");
        keeper.createStatement().execute("checkpoint");
        return new Database(url, keeper, new SimpleDriverDataSource(new org.h2.Driver(), url, "sa", ""));
    }

    @Test
    void commitsOfManyThreadsAreInTheFileWhenTheyReturn() throws Exception {
        String url;
        try (Database db = database("durable")) {
            url = db.url();
            TransactionTemplate durable = new TransactionTemplate(new DurableTransactionManager(db.dataSource()));
            JdbcTemplate jdbc = new JdbcTemplate(db.dataSource());
            ExecutorService threads = Executors.newFixedThreadPool(8);
            List<Future<?>> commits = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                int id = i;
                commits.add(threads.submit(() -> durable.executeWithoutResult(tx -> jdbc.update("insert into event values (?)", id))));
            }
            for (Future<?> commit : commits) {
                commit.get(1, TimeUnit.MINUTES);
            }
            threads.shutdown();
        }
        assertThat(count(url)).as("rows committed through the durable manager, after the database was dropped without a write").isEqualTo(400);
    }

    @Test
    void thePlainManagerLosesWhatH2HasNotWrittenYet() throws Exception {
        String url;
        try (Database db = database("plain")) {
            url = db.url();
            PlatformTransactionManager plain = new JdbcTransactionManager(db.dataSource());
            new TransactionTemplate(plain).executeWithoutResult(tx -> new JdbcTemplate(db.dataSource()).update("insert into event values (1)"));
        }
        assertThat(count(url)).isZero();
    }

    @Test
    void aTransactionThatChangedNothingDoesNotWaitForAWrite() throws Exception {
        String url;
        try (Database db = database("reads")) {
            url = db.url();
            db.keeper().createStatement().execute("insert into event values (7)"); // not written yet
            Integer read = new TransactionTemplate(new DurableTransactionManager(db.dataSource()))
                    .execute(tx -> new JdbcTemplate(db.dataSource()).queryForObject("select count(*) from event", Integer.class));
            assertThat(read).isEqualTo(1);
        }
        assertThat(count(url)).as("a read-only transaction made no write of the file").isZero();
    }

    private static int count(String url) throws Exception {
        try (Connection reopened = DriverManager.getConnection(url, "sa", "")) {
            return new JdbcTemplate(new org.springframework.jdbc.datasource.SingleConnectionDataSource(reopened, true))
                    .queryForObject("select count(*) from event", Integer.class);
        }
    }
}
