package io.touchpoint.system;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.topic.ITopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Files changed over the API (rule files, message templates), shared by every node: kept in the database by area
 * and announced on a Hazelcast topic, so each node reloads them at once. A change locks its area's version row,
 * checks the whole new set of files and writes it, or changes nothing. A file with null content removes the
 * folder's file of that name.
 */
@Component
public class StoredFiles {

    private static final Logger log = LoggerFactory.getLogger(StoredFiles.class);
    private static final String TOPIC = "touchpoint.stored-files";

    /** The stored files of an area at one version; a null content means "removed". */
    public record Snapshot(long version, Map<String, byte[]> files) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final ITopic<String> changes;
    private final Clock clock;

    StoredFiles(JdbcTemplate jdbc, PlatformTransactionManager transactions, HazelcastInstance hazelcast, Clock clock) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.changes = hazelcast.getTopic(TOPIC);
        this.clock = clock;
    }

    /** The stored files of an area and their version (read in one transaction). */
    public Snapshot read(String area) {
        return transaction.execute(status -> snapshot(area, false));
    }

    /** The area's version, cheap: nodes compare it with the one they run. */
    public long version(String area) {
        return jdbc.queryForObject("select version from stored_file_area where area = ?", Long.class, area);
    }

    /**
     * Stores (or, with null content, removes) one file after {@code check} accepted the whole set it makes: the
     * check sees the stored files with this change applied and the new version; what it throws refuses the change
     * and nothing is written. After the commit {@code applyHere} gets what the check returned, then every node is
     * told.
     */
    public <T> void change(String area, String name, byte[] content, String changedBy, Function<Snapshot, T> check,
                           Consumer<T> applyHere) {
        T checked = transaction.execute(status -> {
            Snapshot stored = snapshot(area, true);
            Map<String, byte[]> next = new LinkedHashMap<>(stored.files());
            next.put(name, content);
            Snapshot proposed = new Snapshot(stored.version() + 1, next);
            T result = check.apply(proposed);
            Timestamp now = Timestamp.from(clock.instant());
            if (jdbc.update("update stored_file set content = ?, changed_at = ?, changed_by = ? where area = ? and name = ?",
                    content, now, changedBy, area, name) == 0) {
                jdbc.update("insert into stored_file (area, name, content, changed_at, changed_by) values (?, ?, ?, ?, ?)",
                        area, name, content, now, changedBy);
            }
            jdbc.update("update stored_file_area set version = ? where area = ?", proposed.version(), area);
            return result;
        });
        log.info("Stored {} file {} {} by {}", area, name, content == null ? "removed" : "saved", changedBy);
        applyHere.accept(checked);
        changes.publish(area);
    }

    /** Runs {@code listener} on this node whenever a node (this one included) has changed the area's files. */
    public void onChange(String area, Runnable listener) {
        changes.addMessageListener(message -> {
            if (area.equals(message.getMessageObject())) {
                try {
                    listener.run();
                } catch (RuntimeException e) {
                    log.error("TP-SYSTEM-001 Applying the changed {} failed on this node", area, e);
                }
            }
        });
    }

    private Snapshot snapshot(String area, boolean lock) {
        long version = jdbc.queryForObject("select version from stored_file_area where area = ?" + (lock ? " for update" : ""),
                Long.class, area);
        Map<String, byte[]> files = new LinkedHashMap<>();
        jdbc.query("select name, content from stored_file where area = ? order by name",
                row -> {
                    files.put(row.getString("name"), row.getBytes("content"));
                }, area);
        return new Snapshot(version, files);
    }
}
