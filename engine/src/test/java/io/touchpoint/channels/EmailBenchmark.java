package io.touchpoint.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.touchpoint.channels.DeliveryLog.Status;

/**
 * Emails per second through the whole send path (delivery log, consent, Liquid rendering of the abandoned-cart
 * template with HTML + text, tracking links, Jakarta Mail) to a local GreenMail SMTP server. Logs the figures,
 * asserts only that every email arrived. Run: {@code ./mvnw -pl engine -am verify -Pbenchmark -Dit.test=EmailBenchmark}
 */
class EmailBenchmark extends ChannelsIT {

    private static final Logger log = LoggerFactory.getLogger(EmailBenchmark.class);
    private static final int WARM_UP = 200;
    private static final int SINGLE_THREAD = 1_000;
    private static final int PARALLEL = 3_000;
    private static final int THREADS = 4;

    @Test
    void emailsPerSecondToALocalSmtpServer() throws Exception {
        String customer = customer("bench@example.com", null, Map.of("firstName", "Ben"), Map.of());
        run(customer, WARM_UP, 1, "warm-up");
        double single = run(customer, SINGLE_THREAD, 1, "1 thread");
        double parallel = run(customer, PARALLEL, THREADS, THREADS + " threads (as the job executor sends)");
        Runtime jvm = Runtime.getRuntime();
        log.info("EmailBenchmark: {} emails/s on 1 thread, {} emails/s on {} threads; heap used {} MB of {} MB; {} cores",
                Math.round(single), Math.round(parallel), THREADS, (jvm.totalMemory() - jvm.freeMemory()) >> 20,
                jvm.maxMemory() >> 20, jvm.availableProcessors());
    }

    private double run(String customer, int count, int threads, String label) throws Exception {
        SMTP.purgeEmailFromAllMailboxes();
        String run = label.replace(' ', '-') + "-" + System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        try {
            List<Future<Delivery>> sent = IntStream.range(0, count)
                    .mapToObj(i -> pool.submit(() -> messages.send(EmailDeliveryIT.reminder(run + ":" + i, customer)))).toList();
            for (Future<Delivery> delivery : sent) {
                assertThat(delivery.get().status()).isEqualTo(Status.SENT);
            }
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        await().atMost(Duration.ofSeconds(30)).until(() -> SMTP.getReceivedMessages().length == count);
        double rate = count / seconds;
        log.info("EmailBenchmark {}: {} emails in {} s = {} emails/s", label, count, String.format("%.2f", seconds), Math.round(rate));
        return rate;
    }
}
