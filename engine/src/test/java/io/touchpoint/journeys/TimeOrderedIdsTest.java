package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class TimeOrderedIdsTest {

    @Test
    void idsOfOneNodeSortAsTextInTheOrderTheyWereMadeAndAreVersion7Uuids() {
        TimeOrderedIds ids = new TimeOrderedIds();
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) { // far more than 4,096 a millisecond: the counter carries into the time
            made.add(ids.getNextId());
        }
        assertThat(made).isSorted().doesNotHaveDuplicates();
        UUID first = UUID.fromString(made.get(0));
        assertThat(first.version()).isEqualTo(7);
        assertThat(first.variant()).isEqualTo(2);
        assertThat(made.get(0)).hasSize(36);
    }

    @Test
    void theTimeComesFirstSoALaterMillisecondSortsAfterAndTheCounterKeepsOrderWithinOne() {
        TimeOrderedIds ids = new TimeOrderedIds();
        long now = 1_765_000_000_000L;
        UUID a = ids.next(now);
        UUID b = ids.next(now);
        UUID c = ids.next(now + 1);
        UUID backwards = ids.next(now - 5_000); // the clock stepped back: still after the last one
        assertThat(a.getMostSignificantBits() >>> 16).isEqualTo(now);
        assertThat(List.of(a.toString(), b.toString(), c.toString(), backwards.toString())).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void twoNodesMakingIdsInTheSameMillisecondDoNotCollide() {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        TimeOrderedIds one = new TimeOrderedIds();
        TimeOrderedIds other = new TimeOrderedIds();
        IntStream.range(0, 50_000).parallel().forEach(i -> {
            assertThat(seen.add(one.next(1_765_000_000_000L).toString())).isTrue();
            assertThat(seen.add(other.next(1_765_000_000_000L).toString())).isTrue();
        });
        assertThat(seen).hasSize(100_000);
    }
}
