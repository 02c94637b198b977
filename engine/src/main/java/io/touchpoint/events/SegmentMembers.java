package io.touchpoint.events;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import io.touchpoint.profiles.SegmentMoves;

/**
 * The members of each segment as a table ({@code segment_member}), kept in step with the {@code segment_entered} /
 * {@code segment_exited} events: {@link EventIntake} hands it every segment event it records, in the same
 * transaction, so the list holds exactly the segments whose last event was an entry. Lists, counts and checks members
 * for the API and the scheduled journeys.
 */
@Component
public class SegmentMembers {

    /** A member of a segment and when the customer joined it. */
    public record Member(String customerId, Instant joinedAt) {
    }

    private final JdbcTemplate jdbc;

    SegmentMembers(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Follows recorded events, in their order: an entry adds (or renews) the membership, an exit removes it; other
     * events change nothing. Of several moves of one customer in one segment, the last one stands.
     */
    void follow(Collection<CustomerEvent> recorded) {
        Map<List<String>, CustomerEvent> last = new LinkedHashMap<>();
        for (CustomerEvent event : recorded) {
            Object segment = event.properties() == null ? null : event.properties().get(SegmentMoves.SEGMENT_ID);
            if (segment != null && (SegmentMoves.ENTERED.equals(event.type()) || SegmentMoves.EXITED.equals(event.type()))) {
                last.put(List.of(segment.toString(), event.customerId()), event);
            }
        }
        if (last.isEmpty()) {
            return;
        }
        jdbc.batchUpdate("delete from segment_member where segment_id = ? and customer_id = ?",
                last.keySet().stream().map(List::toArray).toList());
        List<Object[]> joining = new ArrayList<>();
        last.forEach((key, event) -> {
            if (SegmentMoves.ENTERED.equals(event.type())) {
                joining.add(new Object[] {key.get(0), key.get(1), Timestamp.from(event.occurredAt())});
            }
        });
        if (!joining.isEmpty()) {
            jdbc.batchUpdate("insert into segment_member (segment_id, customer_id, joined_at) values (?, ?, ?)", joining);
        }
    }

    /** A page of a segment's members, by customer id. */
    public List<Member> page(String segmentId, int page, int size) {
        return jdbc.query("select customer_id, joined_at from segment_member where segment_id = ? order by customer_id offset ? rows fetch next ? rows only",
                (row, n) -> new Member(row.getString(1), row.getTimestamp(2).toInstant()), segmentId, (long) page * size, size);
    }

    /** How many members each segment has (segments without members are left out). */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.query("select segment_id, count(*) from segment_member group by segment_id", row -> {
            counts.put(row.getString(1), row.getLong(2));
        });
        return counts;
    }

    public long count(String segmentId) {
        Long count = jdbc.queryForObject("select count(*) from segment_member where segment_id = ?", Long.class, segmentId);
        return count == null ? 0 : count;
    }

    /** Every member of a segment (customer ids, in their order). */
    public List<String> all(String segmentId) {
        return jdbc.queryForList("select customer_id from segment_member where segment_id = ? order by customer_id", String.class, segmentId);
    }

    /** Which of these customers are members of the segment now. */
    public Set<String> which(String segmentId, Collection<String> customerIds) {
        if (customerIds.isEmpty()) {
            return Set.of();
        }
        String marks = String.join(", ", Collections.nCopies(customerIds.size(), "?"));
        List<Object> arguments = new ArrayList<>();
        arguments.add(segmentId);
        arguments.addAll(customerIds);
        return new HashSet<>(jdbc.queryForList("select customer_id from segment_member where segment_id = ? and customer_id in (" + marks + ")",
                String.class, arguments.toArray()));
    }
}
