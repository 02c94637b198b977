package io.touchpoint.decisions;

import static io.touchpoint.decisions.RuleFixtures.cart;
import static io.touchpoint.decisions.RuleFixtures.customer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/** Hot reload of a rules folder (a copy of rules/ in a temporary folder) through the real folder watcher. No Spring. */
class RuleReloadTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path folder;

    private RuleBase rules;
    private RuleFolderWatcher watcher;

    @BeforeEach
    void watchACopyOfTheRules() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("../rules"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().contains(".drl")).toList()) {
                Files.copy(file, folder.resolve(file.getFileName()));
            }
        }
        rules = new RuleBase(new PathMatchingResourcePatternResolver(), "file:" + folder + "/", Clock.systemUTC());
        watcher = new RuleFolderWatcher(rules, true);
        watcher.start();
    }

    @AfterEach
    void stopWatching() {
        watcher.stop();
    }

    @Test
    void aBrokenRuleFileKeepsTheRunningRulesAndAFixedOneTakesOver() throws IOException {
        String offers = Files.readString(folder.resolve("offer.drl"));
        assertThat(offerFor(129)).isEqualTo("PERCENT_10");

        Files.writeString(folder.resolve("offer.drl"), offers.replace("cartTotal > 100 )", "cartTotal > )"));

        await().atMost(BOUND).until(() -> RuleStatus.CHANGE_REFUSED.equals(rules.status().state()));
        RuleProblem problem = rules.status().problems().get(0);
        assertThat(problem.file()).isEqualTo("offer.drl");
        assertThat(problem.line()).isEqualTo(offers.lines().toList().indexOf("    TriggerEvent( type == \"cart_abandoned\", cartTotal > 100 )") + 1);
        assertThat(problem.message()).isNotBlank();
        assertThat(offerFor(129)).as("the running rules stay").isEqualTo("PERCENT_10");

        Files.writeString(folder.resolve("offer.drl"), offers.replace("cartTotal > 100 )", "cartTotal > 150 )"));

        await().atMost(BOUND).until(() -> RuleStatus.RUNNING.equals(rules.status().state()));
        assertThat(offerFor(129)).as("the fixed rules took over").isEqualTo("FREE_SHIPPING");
        assertThat(rules.status().problems()).isEmpty();
        assertThat(rules.status().lastAttemptAt()).isNotNull();
    }

    @Test
    void aNewRuleFileDroppedIntoTheFolderIsPickedUp() throws IOException {
        int before = rules.status().rules();

        Files.writeString(folder.resolve("seasonal.drl"), """
                package rules
                import io.touchpoint.decisions.Decision
                import io.touchpoint.decisions.Customer
                import io.touchpoint.decisions.DecisionRequest

                rule "Nobody called Grinch gets a Christmas offer"
                    salience 1000
                when
                    DecisionRequest( sendingPolicy )
                    Customer( attribute("name") == "Grinch" )
                    $decision : Decision()
                then
                    $decision.decline(drools.getRule().getName());
                end
                """);

        await().atMost(BOUND).until(() -> rules.status().rules() == before + 1);
        assertThat(rules.status().files()).contains("seasonal.drl");
    }

    private String offerFor(int total) {
        return new DecisionRules(rules).decide(DecisionRequest.of("abandoned-cart-offer", "c-1").withSendingPolicy().event(cart(total)).channels(List.of("email")),
                customer().build(), List.of(), Instant.parse("2026-11-22T12:00:00Z")).getOfferCode();
    }
}
