package io.touchpoint.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    final GroupCommit<String, String> groups = new GroupCommit<>();
    final List<List<String>> done = new CopyOnWriteArrayList<>();
    final CountDownLatch firstGroupMayEnd = new CountDownLatch(1);
    final ExecutorService threads = Executors.newFixedThreadPool(6);

    @AfterEach
    void stop() {
        firstGroupMayEnd.countDown();
        threads.shutdownNow();
    }

    /** Does a group: the first one waits until the test lets it end; answers each item in upper case. */
    final Function<List<String>, Optional<List<String>>> work = items -> {
        done.add(items);
        if (done.size() == 1) {
            waitFor(firstGroupMayEnd);
        }
        return Optional.of(items.stream().map(String::toUpperCase).toList());
    };

    @Test
    void aThreadAloneLeadsAtOnceWithAGroupOfOne() {
        firstGroupMayEnd.countDown();

        assertThat(groups.submit("a", 10, work)).hasValue("A");
        assertThat(done).containsExactly(List.of("a"));
    }

    @Test
    void theItemsThatArriveWhileAGroupIsDoneGoTogetherInTheNextOneAndEachGetsItsOwnResult() throws Exception {
        Future<Optional<String>> a = threads.submit(() -> groups.submit("a", 10, work));
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 1);
        List<Future<Optional<String>>> others = List.of("b", "c", "d").stream()
                .map(item -> threads.submit(() -> groups.submit(item, 10, work))).toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> groups.waiting() == 3);

        firstGroupMayEnd.countDown();

        assertThat(a.get(10, TimeUnit.SECONDS)).hasValue("A");
        assertThat(others.get(0).get(10, TimeUnit.SECONDS)).hasValue("B");
        assertThat(others.get(1).get(10, TimeUnit.SECONDS)).hasValue("C");
        assertThat(others.get(2).get(10, TimeUnit.SECONDS)).hasValue("D");
        assertThat(done).hasSize(2);
        assertThat(done.get(1)).containsExactlyInAnyOrder("b", "c", "d");
    }

    @Test
    void aGroupTakesNoMoreThanItsSize() throws Exception {
        Future<Optional<String>> a = threads.submit(() -> groups.submit("a", 2, work));
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 1);
        List<Future<Optional<String>>> others = List.of("b", "c", "d").stream()
                .map(item -> threads.submit(() -> groups.submit(item, 2, work))).toList();
        await().atMost(Duration.ofSeconds(10)).until(() -> groups.waiting() == 3);

        firstGroupMayEnd.countDown();

        assertThat(a.get(10, TimeUnit.SECONDS)).hasValue("A");
        for (Future<Optional<String>> other : others) {
            assertThat(other.get(10, TimeUnit.SECONDS)).isPresent();
        }
        assertThat(done).hasSize(3).allSatisfy(group -> assertThat(group).hasSizeLessThanOrEqualTo(2));
    }

    @Test
    void whenAGroupFailsAsAWholeEachOfItsItemsIsAnsweredEmpty() throws Exception {
        Function<List<String>, Optional<List<String>>> failing = items -> {
            done.add(items);
            if (done.size() == 1) {
                waitFor(firstGroupMayEnd);
            }
            return Optional.empty();
        };
        Future<Optional<String>> a = threads.submit(() -> groups.submit("a", 10, failing));
        await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 1);
        Future<Optional<String>> b = threads.submit(() -> groups.submit("b", 10, failing));
        await().atMost(Duration.ofSeconds(10)).until(() -> groups.waiting() == 1);

        firstGroupMayEnd.countDown();

        assertThat(a.get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(b.get(10, TimeUnit.SECONDS)).isEmpty();
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
