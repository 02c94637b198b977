package io.touchpoint.system;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import javax.sql.DataSource;

import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The transaction manager of every database transaction (Touchpoint's and the Camunda engine's): a commit returns
 * only once it is in the database file, so what was answered (a {@code 202}, a message claimed before it is handed
 * to the provider) survives kill -9. With the embedded H2 file database, commits that come at the same time share
 * one write of the file (a group commit): H2 writes on its own only every {@code WRITE_DELAY} ms, and a commit that
 * changed something waits for the next write after it, which one of the waiting commits makes for all of them. H2
 * writes its file in commit order, so a write also covers everything committed before, a statement outside a
 * transaction too. With {@code WRITE_DELAY=0}, or another database, the commit is left as it is.
 */
public class DurableTransactionManager extends JdbcTransactionManager {

    /** One group commit per database file, whichever pool's transaction commits (the delivery log has its own). */
    private static final Map<MVStore, GroupCommit> GROUPS = Collections.synchronizedMap(new WeakHashMap<>());

    public DurableTransactionManager(DataSource dataSource) {
        super(dataSource);
    }

    /** The engine's transaction manager (Spring Boot's own backs off; the Camunda engine takes this one). */
    @Configuration(proxyBeanMethods = false)
    static class Registration {

        @Bean
        DurableTransactionManager transactionManager(DataSource dataSource) {
            return new DurableTransactionManager(dataSource);
        }
    }

    @Override
    protected void doCommit(DefaultTransactionStatus status) {
        MVStore store = h2StoreWritingLateChangedBy();
        super.doCommit(status);
        if (store != null) {
            GROUPS.computeIfAbsent(store, any -> new GroupCommit()).awaitWritten(store);
        }
    }

    /** The H2 file store behind this transaction when it writes commits late and the transaction changed something. */
    private MVStore h2StoreWritingLateChangedBy() {
        try {
            SessionLocal session = session();
            if (session == null || session.getDatabase().getStore() == null || !session.hasPendingTransaction()) {
                return null;
            }
            MVStore store = session.getDatabase().getStore().getMvStore();
            return store.getFileStore() != null && store.getAutoCommitDelay() > 0 ? store : null;
        } catch (SQLException | RuntimeException notH2) {
            return null;
        }
    }

    private SessionLocal session() throws SQLException {
        ConnectionHolder holder = (ConnectionHolder) TransactionSynchronizationManager.getResource(obtainDataSource());
        if (holder == null) {
            return null;
        }
        Connection connection = holder.getConnection();
        return connection.isWrapperFor(JdbcConnection.class)
                && connection.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal local ? local : null;
    }

    /**
     * Waits until the store has written everything committed before the call: the first caller to find no write
     * going on writes for everyone that asked before it began; those who asked during a write wait for the next.
     */
    static final class GroupCommit {

        private long asked;
        private long written;
        private boolean writing;

        void awaitWritten(MVStore store) {
            long ticket;
            synchronized (this) {
                ticket = ++asked;
            }
            boolean interrupted = false;
            try {
                while (true) {
                    long upTo;
                    synchronized (this) {
                        while (writing && written < ticket) {
                            try {
                                wait();
                            } catch (InterruptedException e) {
                                interrupted = true;
                            }
                        }
                        if (written >= ticket) {
                            return;
                        }
                        writing = true;
                        upTo = asked;
                    }
                    boolean done = false;
                    try {
                        store.commit();
                        done = true;
                    } catch (RuntimeException e) {
                        throw new TransactionSystemException("committed, but the database file could not be written: " + e.getMessage(), e);
                    } finally {
                        synchronized (this) {
                            writing = false;
                            if (done) {
                                written = Math.max(written, upTo);
                            }
                            notifyAll();
                        }
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
