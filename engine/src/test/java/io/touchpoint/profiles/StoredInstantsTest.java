package io.touchpoint.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The fast reading of stored instants gives what {@link Instant#parse} gives, and leaves other forms to Jackson. No Spring. */
class StoredInstantsTest {

    @Test
    void readsEveryPrecisionTheStoreWritesAsInstantParseDoes() {
        for (String text : new String[] {"2026-12-07T12:47:15Z", "2026-12-07T12:47:15.6Z", "2026-12-07T12:47:15.641Z",
                "2026-12-07T12:47:15.641123Z", "2026-12-07T12:47:15.641123456Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z",
                "2024-02-29T23:59:59.5Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z"}) {
            assertThat(StoredInstants.utc(text)).as(text).isEqualTo(Instant.parse(text));
        }
    }

    @Test
    void leavesOtherFormsAndImpossibleDatesToJackson() {
        for (String text : new String[] {"2026-02-30T10:00:00Z", "2025-02-29T10:00:00Z", "2026-13-01T10:00:00Z", "2026-12-07T24:00:00Z",
                "2026-12-07T12:47:15+01:00", "2026-12-07T12:47:15.Z", "2026-12-07T12:47:15.1234567890Z", "2026-12-07 12:47:15Z",
                "+12026-12-07T12:47:15Z", "2026-1a-07T12:47:15Z", "2026-12-07"}) {
            assertThat(StoredInstants.utc(text)).as(text).isNull();
        }
    }
}
