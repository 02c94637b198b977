package io.touchpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Each of our tables (the Flyway migrations' {@code create table}) is read and written with SQL by one feature
 * package only; the others ask that package. Reads the main Java sources' string literals, no Spring, no database.
 * The one exception: {@code profiles.CustomerRows}, which erases and merges a customer's rows in every table.
 */
class TableOwnersTest {

    private static final Path SOURCES = Path.of("src/main/java/io/touchpoint");
    private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");

    /** Which package owns each table: the one that writes it. */
    private static final Map<String, String> OWNERS = Map.ofEntries(
            Map.entry("customer_profile", "profiles"),
            Map.entry("customer_identity", "profiles"),
            Map.entry("customer_merge", "profiles"),
            Map.entry("customer_event", "events"),
            Map.entry("event_source_key", "events"),
            Map.entry("decision_log", "decisions"),
            Map.entry("offer_arm", "decisions"),
            Map.entry("offer_exposure", "decisions"),
            Map.entry("delivery_log", "channels"),
            Map.entry("channel_secret", "channels"),
            Map.entry("journey_entry", "journeys"),
            Map.entry("journey_goal", "journeys"),
            Map.entry("journey_split", "journeys"),
            Map.entry("journey_active", "journeys"),
            Map.entry("segment_backfill", "segments"),
            Map.entry("segment_member", "events"),
            Map.entry("scheduled_occurrence", "journeys"),
            Map.entry("scheduled_entry", "journeys"),
            Map.entry("segment_size", "segments"),
            Map.entry("stored_file", "system"),
            Map.entry("stored_file_area", "system"),
            Map.entry("console_run_action", "console"),
            Map.entry("console_retry_job", "console"));

    /** Erasure and merge: a generic update or delete over every table that names a customer (ErasureCoverageIT). */
    private static final Set<Path> EVERY_TABLE = Set.of(SOURCES.resolve("profiles/CustomerRows.java"));

    private static final Pattern CREATE_TABLE = Pattern.compile("(?i)create\\s+table\\s+(?:if\\s+not\\s+exists\\s+)?(\\w+)");
    private static final Pattern TABLE_IN_SQL = Pattern.compile("(?i)\\b(?:from|join|into|update|table)\\s+(\\w+)");

    @Test
    void everyTableOfTheMigrationsHasAnOwner() throws IOException {
        assertThat(OWNERS.keySet()).as("tables the migrations create; give a new one its owner here")
                .containsExactlyInAnyOrderElementsOf(migrationTables());
    }

    @Test
    void noPackageReachesIntoAnotherPackagesTables() throws IOException {
        List<String> reaches = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                if (EVERY_TABLE.contains(file) || file.toString().contains("/db/")) {
                    continue;
                }
                String feature = SOURCES.relativize(file).getName(0).toString();
                for (String table : tablesNamedIn(Files.readString(file, StandardCharsets.UTF_8))) {
                    String owner = OWNERS.get(table);
                    if (owner != null && !owner.equals(feature)) {
                        reaches.add(file + " uses table " + table + ", which belongs to " + owner + ": ask " + owner + " instead");
                    }
                }
            }
        }
        assertThat(reaches).isEmpty();
    }

    @Test
    void findsTheTablesInStringLiteralsOnly() {
        String source = """
                /** Reads {@code from delivery_log} (a comment). */
                // update customer_profile
                class Example {
                    String sql = "select * from customer_event e join DELIVERY_LOG d on d.x = e.x where a = '\\"'";
                    String more = "insert into " + "journey_goal (a) values (?)";
                    char quote = '"';
                    String last = "delete from   decision_log";
                }
                """;
        assertThat(tablesNamedIn(source)).containsExactly("customer_event", "decision_log", "delivery_log", "journey_goal");
    }

    private static Set<String> migrationTables() throws IOException {
        Set<String> tables = new TreeSet<>();
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".sql")).toList()) {
                Matcher created = CREATE_TABLE.matcher(Files.readString(file, StandardCharsets.UTF_8));
                while (created.find()) {
                    tables.add(created.group(1).toLowerCase());
                }
            }
        }
        return tables;
    }

    /** The names after from, join, into, update or table in the source's string literals, lower case. */
    static Set<String> tablesNamedIn(String source) {
        Set<String> tables = new TreeSet<>();
        for (String literal : stringLiterals(source)) {
            Matcher named = TABLE_IN_SQL.matcher(literal);
            while (named.find()) {
                tables.add(named.group(1).toLowerCase());
            }
        }
        return tables;
    }

    /**
     * The contents of the string literals and text blocks, comments and char literals skipped; literals joined with
     * {@code +} count as one, so {@code "insert into " + "journey_goal"} names the table.
     */
    private static List<String> stringLiterals(String source) {
        List<String> literals = new ArrayList<>();
        int previousEnd = 0;
        int i = 0;
        while (i < source.length()) {
            if (source.startsWith("//", i)) {
                i = endOf(source, "\n", i + 2);
            } else if (source.startsWith("/*", i)) {
                i = endOf(source, "*/", i + 2);
            } else if (source.startsWith("\"\"\"", i)) {
                int end = closing(source, "\"\"\"", i + 3);
                add(literals, source.substring(previousEnd, i), source.substring(i + 3, end));
                i = end + 3;
                previousEnd = i;
            } else if (source.charAt(i) == '"') {
                int end = closing(source, "\"", i + 1);
                add(literals, source.substring(previousEnd, i), source.substring(i + 1, end));
                i = end + 1;
                previousEnd = i;
            } else if (source.charAt(i) == '\'') {
                i = closing(source, "'", i + 1) + 1;
            } else {
                i++;
            }
        }
        return literals;
    }

    /** Adds a literal, or appends it to the one before when only a {@code +} stands between them. */
    private static void add(List<String> literals, String before, String literal) {
        if (!literals.isEmpty() && before.matches("\\s*\\+\\s*")) {
            literals.set(literals.size() - 1, literals.get(literals.size() - 1) + literal);
        } else {
            literals.add(literal);
        }
    }

    private static int endOf(String source, String end, int from) {
        int at = source.indexOf(end, from);
        return at < 0 ? source.length() : at + end.length();
    }

    /** Where the literal that starts before {@code from} closes, escapes skipped. */
    private static int closing(String source, String quote, int from) {
        int i = from;
        while (i < source.length() && !source.startsWith(quote, i)) {
            i += source.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i, source.length());
    }
}
