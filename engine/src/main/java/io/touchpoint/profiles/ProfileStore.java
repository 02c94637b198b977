package io.touchpoint.profiles;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.hazelcast.map.MapStore;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes profiles through from Hazelcast to {@code customer_profile} and loads them back on a miss; keeps
 * {@code customer_identity} (who owns which email, phone, anonymous or external id).
 */
@Component
public class ProfileStore implements MapStore<String, CustomerProfile> {

    private final JdbcTemplate jdbc;
    private final ObjectWriter writer;
    private final ObjectReader reader;
    private final ObjectReader forSegments;

    ProfileStore(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        // empty and null fields are left out of the stored document: a smaller row is a cheaper write
        this.writer = json.copy().setSerializationInclusion(JsonInclude.Include.NON_EMPTY).writerFor(CustomerProfile.class);
        this.reader = json.readerFor(CustomerProfile.class);
        this.forSegments = json.copy().addMixIn(CustomerProfile.class, ReadForSegments.class)
                .registerModule(new com.fasterxml.jackson.databind.module.SimpleModule().addDeserializer(java.time.Instant.class, new StoredInstants()))
                .readerFor(CustomerProfile.class);
    }

    /** The parts of a stored profile no segment condition reads, skipped by {@link #scanForSegments}. */
    @JsonIgnoreProperties({"recentEvents", "attributesUpdatedAt", "mergedIds", "updatedAt", "timeZone", "locale"})
    private interface ReadForSegments {
    }

    /**
     * Versions of profiles an intake transaction writes itself ({@link #storeLatest}), set on the member that owns
     * the entry just before the map takes them: the map's write-through that follows leaves them alone.
     */
    private static final Map<String, CustomerProfile> LEFT_TO_TRANSACTION = new ConcurrentHashMap<>();

    static void leaveToTransaction(String customerId, CustomerProfile profile) {
        LEFT_TO_TRANSACTION.put(customerId, profile);
    }

    private static boolean leftToTransaction(String customerId, CustomerProfile profile) {
        CustomerProfile left = LEFT_TO_TRANSACTION.get(customerId);
        return left != null && (left == profile || left.equals(profile)) && LEFT_TO_TRANSACTION.remove(customerId, left);
    }

    @Override
    public void store(String customerId, CustomerProfile profile) {
        if (leftToTransaction(customerId, profile)) {
            return;
        }
        String document = write(profile);
        Timestamp updatedAt = Timestamp.from(profile.updatedAt());
        String name = displayName(profile);
        String searchText = searchText(customerId, profile.email(), profile.phone(), name);
        Timestamp recheckAt = profile.segments().recheckAt() == null ? null : Timestamp.from(profile.segments().recheckAt());
        int updated = jdbc.update("update customer_profile set email = ?, phone = ?, profile_json = ?, updated_at = ?, display_name = ?, search_text = ?,"
                        + " segments_due_at = ? where customer_id = ?",
                profile.email(), profile.phone(), document, updatedAt, name, searchText, recheckAt, customerId);
        if (updated == 0) {
            jdbc.update("insert into customer_profile (customer_id, email, phone, profile_json, updated_at, display_name, search_text, segments_due_at)"
                            + " values (?, ?, ?, ?, ?, ?, ?, ?)",
                    customerId, profile.email(), profile.phone(), document, updatedAt, name, searchText, recheckAt);
        }
    }

    /** Rows in one statement: PostgreSQL takes up to 32,767 parameters in one, H2 more. */
    private static final int ROWS_PER_STATEMENT = 500;
    private static final String COLUMNS = "customer_id, email, phone, profile_json, updated_at, display_name, search_text, segments_due_at";
    private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String SET_COLUMNS = "email = s.email, phone = s.phone, profile_json = s.profile_json, updated_at = s.updated_at,"
            + " display_name = s.display_name, search_text = s.search_text, segments_due_at = s.segments_due_at";

    /**
     * Writes profiles in one statement per {@value #ROWS_PER_STATEMENT} (in the caller's transaction), each row
     * only if it holds an older version than the one given ({@code updated_at} grows with every change), so a
     * write that lands after a newer one changes nothing. In the order of customer ids, so two transactions writing
     * the same customers wait for each other rather than deadlock.
     */
    void storeLatest(Collection<CustomerProfile> profiles) {
        List<CustomerProfile> sorted = profiles.stream().sorted(java.util.Comparator.comparing(CustomerProfile::customerId)).toList();
        for (int from = 0; from < sorted.size(); from += ROWS_PER_STATEMENT) {
            List<CustomerProfile> some = sorted.subList(from, Math.min(sorted.size(), from + ROWS_PER_STATEMENT));
            List<Object> values = new ArrayList<>(some.size() * 8);
            for (CustomerProfile profile : some) {
                String name = displayName(profile);
                values.addAll(java.util.Arrays.asList(profile.customerId(), profile.email(), profile.phone(), write(profile),
                        Timestamp.from(profile.updatedAt()), name, searchText(profile.customerId(), profile.email(), profile.phone(), name),
                        profile.segments().recheckAt() == null ? null : Timestamp.from(profile.segments().recheckAt())));
            }
            jdbc.update(upsertLatest(some.size()), values.toArray());
        }
    }

    private String upsertLatest(int rows) {
        String values = String.join(", ", java.util.Collections.nCopies(rows, ROW));
        if (postgres()) {
            return "insert into customer_profile as t (" + COLUMNS + ") values " + values
                    + " on conflict (customer_id) do update set " + SET_COLUMNS.replace("s.", "excluded.")
                    + " where t.updated_at < excluded.updated_at";
        }
        return "merge into customer_profile t using (values " + values + ") s (" + COLUMNS + ") on t.customer_id = s.customer_id"
                + " when matched and t.updated_at < s.updated_at then update set " + SET_COLUMNS
                + " when not matched then insert (" + COLUMNS + ") values (s." + COLUMNS.replace(", ", ", s.") + ")";
    }

    private volatile Boolean postgres;

    private boolean postgres() {
        if (postgres == null) {
            postgres = Boolean.TRUE.equals(jdbc.execute((java.sql.Connection connection) ->
                    connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres")));
        }
        return postgres;
    }

    @Override
    public void storeAll(Map<String, CustomerProfile> profiles) {
        profiles.forEach(this::store);
    }

    @Override
    public void delete(String customerId) {
        jdbc.update("delete from customer_identity where customer_id = ?", customerId);
        jdbc.update("delete from customer_profile where customer_id = ?", customerId);
    }

    @Override
    public void deleteAll(Collection<String> customerIds) {
        customerIds.forEach(this::delete);
    }

    @Override
    public CustomerProfile load(String customerId) {
        return storedDocument(customerId).map(this::read).orElse(null);
    }

    @Override
    public Map<String, CustomerProfile> loadAll(Collection<String> customerIds) {
        Map<String, CustomerProfile> found = new HashMap<>();
        for (String id : customerIds) {
            CustomerProfile profile = load(id);
            if (profile != null) {
                found.put(id, profile);
            }
        }
        return found;
    }

    @Override
    public Iterable<String> loadAllKeys() {
        return null; // lazy: profiles are loaded one by one when first asked for
    }

    /** Customers whose segments may have changed by time alone by {@code now}, the longest due first (an index holds the due times). */
    List<String> dueForSegmentRecheck(java.time.Instant now, int limit) {
        return jdbc.queryForList("select customer_id from customer_profile where segments_due_at <= ? order by segments_due_at limit ?",
                String.class, Timestamp.from(now), limit);
    }

    /** Rows per query of a scan: each result stays small (H2 holds a query's result in memory). */
    private static final int SCAN_PAGE = 5000;

    /**
     * Stored profiles in the order the database keeps them, after the position {@code after} (null: from the first)
     * up to and including {@code upTo} (null: to the last), at most {@code limit}, each handed to {@code each} as it is
     * read: how the segments read every customer (preview, backfill) without going through the cache. A position is
     * the row's place in the table on H2, which keeps rows in the order they were first written (read in that order,
     * each database page is read once; in customer id order a table larger than H2's cache is read a page per
     * customer), the customer id on PostgreSQL. The profiles are read without what no segment condition reads (recent
     * events, when each attribute or the profile was set, merged ids, time zone, locale) and with instants read by
     * {@link StoredInstants}: for evaluating, never to be stored again. Answers the position of the last one read
     * (null: none).
     */
    public String scanForSegments(String after, String upTo, long limit, Consumer<CustomerProfile> each) {
        String position = postgres() ? "customer_id" : "_ROWID_";
        String last = null;
        long left = limit;
        while (left > 0) {
            int page = (int) Math.min(SCAN_PAGE, left);
            List<Object> arguments = new ArrayList<>(3);
            StringBuilder sql = new StringBuilder("select " + position + ", profile_json from customer_profile where 1 = 1");
            String from = last != null ? last : after;
            if (from != null) {
                sql.append(" and ").append(position).append(" > ?");
                arguments.add(positionValue(from));
            }
            if (upTo != null) {
                sql.append(" and ").append(position).append(" <= ?");
                arguments.add(positionValue(upTo));
            }
            arguments.add(page);
            String[] lastOfPage = {null};
            int[] read = {0};
            jdbc.query(sql.append(" order by ").append(position).append(" limit ?").toString(), (java.sql.ResultSet row) -> {
                each.accept(readForSegments(row.getString(2)));
                lastOfPage[0] = row.getString(1);
                read[0]++;
            }, arguments.toArray());
            if (read[0] > 0) {
                last = lastOfPage[0];
            }
            left -= read[0];
            if (read[0] < page) {
                break;
            }
        }
        return last;
    }

    /** The scan position of a stored customer, to resume a scan after it (null: the customer is not stored). */
    public String scanPositionOf(String customerId) {
        return postgres() ? (storedDocument(customerId).isPresent() ? customerId : null)
                : jdbc.queryForList("select _ROWID_ from customer_profile where customer_id = ?", String.class, customerId).stream().findFirst().orElse(null);
    }

    /**
     * Positions that cut a scan of the stored profiles into {@code parts} ranges of about the same size, in order
     * (fewer when there are few customers): a scan of each range after the previous position up to its own covers
     * every customer.
     */
    public List<String> splitPoints(int parts) {
        List<String> points = new ArrayList<>();
        if (postgres()) {
            long count = count(null);
            for (int part = 1; part < parts && count >= parts; part++) {
                points.addAll(jdbc.queryForList("select customer_id from customer_profile order by customer_id offset ? rows fetch next 1 rows only",
                        String.class, count * part / parts));
            }
            return points;
        }
        // the first and the last row by the table's own order (min() and max() would read every row)
        List<Long> first = jdbc.queryForList("select _ROWID_ from customer_profile order by _ROWID_ limit 1", Long.class);
        List<Long> last = jdbc.queryForList("select _ROWID_ from customer_profile order by _ROWID_ desc limit 1", Long.class);
        for (int part = 1; part < parts && !first.isEmpty() && last.get(0) - first.get(0) >= parts; part++) {
            points.add(String.valueOf(first.get(0) + (last.get(0) - first.get(0)) * part / parts));
        }
        return points;
    }

    private Object positionValue(String position) {
        return postgres() ? position : Long.valueOf(position);
    }

    /** The customer who owns an identity (kind "email", "phone", "anonymousId", "userId", ...), if any. */
    public Optional<String> ownerOf(String kind, String value) {
        return jdbc.queryForList("select customer_id from customer_identity where kind = ? and identity_value = ?",
                String.class, kind, value).stream().findFirst();
    }

    /** A customer found by a search: its id, the email, phone and name its stored profile holds, and when it changed. */
    public record Match(String customerId, String email, String phone, String name, java.time.Instant updatedAt) {
    }

    /**
     * A page of the customers whose id, email, phone or name holds {@code part} (any case; a phone's spaces
     * ignored), or of every customer when {@code part} is blank; the latest updated first.
     */
    public List<Match> find(String part, int limit, int offset) {
        return part == null || part.isBlank()
                ? jdbc.query("select customer_id, email, phone, display_name, updated_at from customer_profile"
                        + " order by updated_at desc, customer_id limit ? offset ?", ProfileStore::match, limit, offset)
                : jdbc.query("select customer_id, email, phone, display_name, updated_at from customer_profile where " + MATCHES
                        + " order by updated_at desc, customer_id limit ? offset ?", ProfileStore::match, pattern(part), pattern(part.replace(" ", "")), limit, offset);
    }

    /** How many customers {@link #find} finds in all. */
    public long count(String part) {
        Long count = part == null || part.isBlank()
                ? jdbc.queryForObject("select count(*) from customer_profile", Long.class)
                : jdbc.queryForObject("select count(*) from customer_profile where " + MATCHES, Long.class, pattern(part), pattern(part.replace(" ", "")));
        return count == null ? 0 : count;
    }

    /** The search: the text as typed, or without its spaces (a phone number typed in groups). */
    private static final String MATCHES = "(search_text like ? escape '!' or search_text like ? escape '!')";

    /** At start, fills the search text and name of the profiles stored before they were kept. */
    @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    void fillSearchTextOfOlderProfiles() {
        int filled = 0;
        for (int batch = fillSearchText(1000); batch > 0; batch = fillSearchText(1000)) {
            filled += batch;
        }
        if (filled > 0) {
            org.slf4j.LoggerFactory.getLogger(ProfileStore.class).info("Filled the console's search text of {} stored profiles", filled);
        }
    }

    /** Fills the search text and name of profiles stored before they were kept (a batch at a time); answers how many. */
    int fillSearchText(int batch) {
        List<String[]> rows = jdbc.query("select customer_id, profile_json from customer_profile where search_text is null limit ?",
                (row, n) -> new String[] {row.getString(1), row.getString(2)}, batch);
        for (String[] row : rows) {
            CustomerProfile profile = read(row[1]);
            String name = displayName(profile);
            jdbc.update("update customer_profile set display_name = ?, search_text = ? where customer_id = ? and search_text is null",
                    name, searchText(row[0], profile.email(), profile.phone(), name), row[0]);
        }
        return rows.size();
    }

    private static Match match(java.sql.ResultSet row, int n) throws java.sql.SQLException {
        return new Match(row.getString(1), row.getString(2), row.getString(3), row.getString(4), row.getTimestamp(5).toInstant());
    }

    private static String pattern(String part) {
        String escaped = part.strip().toLowerCase(java.util.Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_");
        return "%" + escaped + "%";
    }

    /** "firstName lastName", else the {@code name} attribute; null when the profile has none. */
    static String displayName(CustomerProfile profile) {
        Map<String, Object> attributes = profile.attributes();
        String full = java.util.stream.Stream.of(attributes.get("firstName"), attributes.get("lastName"))
                .filter(java.util.Objects::nonNull).map(String::valueOf).filter(v -> !v.isBlank())
                .collect(java.util.stream.Collectors.joining(" "));
        if (full.isEmpty() && attributes.get("name") != null) {
            full = String.valueOf(attributes.get("name"));
        }
        return full.isBlank() ? null : bounded(full, 400);
    }

    private static String searchText(String customerId, String email, String phone, String name) {
        String text = java.util.stream.Stream.of(customerId, email, phone == null ? null : phone.replace(" ", ""), name)
                .filter(java.util.Objects::nonNull).collect(java.util.stream.Collectors.joining("\t")).toLowerCase(java.util.Locale.ROOT);
        return bounded(text, 2000);
    }

    private static String bounded(String text, int length) {
        return text.length() <= length ? text : text.substring(0, length);
    }

    /** The customer's profile as stored (the JSON document written through from the cache), if there is one. */
    public Optional<String> storedDocument(String customerId) {
        return jdbc.queryForList("select profile_json from customer_profile where customer_id = ?", String.class, customerId)
                .stream().findFirst();
    }

    /**
     * Records identities as owned by the customer where nobody owns them yet; one owned by another customer stays
     * with that customer (until a merge). Called with the identities an update added, so most updates write none.
     */
    void claimIdentities(String customerId, Map<String, Set<String>> identities) {
        identities.forEach((kind, values) -> values.forEach(value -> claim(customerId, kind, value)));
    }

    private void claim(String customerId, String kind, String value) {
        try {
            jdbc.update("insert into customer_identity (kind, identity_value, customer_id) select ?, ?, ? "
                    + "where not exists (select 1 from customer_identity where kind = ? and identity_value = ?)",
                    kind, value, customerId, kind, value);
        } catch (DuplicateKeyException claimedMeanwhile) {
            // another customer claimed it at the same moment: the first owner keeps it until a merge
        }
    }

    private String write(CustomerProfile profile) {
        try {
            return writer.writeValueAsString(profile);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write profile " + profile.customerId(), e);
        }
    }

    private CustomerProfile readForSegments(String document) {
        try {
            return forSegments.readValue(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read stored profile: " + e.getOriginalMessage(), e);
        }
    }

    private CustomerProfile read(String document) {
        try {
            return reader.readValue(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read stored profile: " + e.getOriginalMessage(), e);
        }
    }
}
