package io.touchpoint.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.touchpoint.TouchpointApplication;

/**
 * Stopping and starting the application loses no profile: one H2 file database, two application contexts one
 * after the other. The first also keeps its cache smaller than the profiles it writes (eviction, load on miss).
 */
class ProfileRestartIT {

    private static final int CACHE_SIZE = 300;
    private static final int PROFILES = 1_000;

    @TempDir
    Path dataDir;

    @Test
    void profilesSurviveARestartAndTheCacheStaysWithinItsBound() {
        String customer = "c-restart-" + UUID.randomUUID();
        CustomerProfile before;
        try (ConfigurableApplicationContext first = start()) {
            ProfileService profiles = first.getBean(ProfileService.class);
            profiles.apply(customer, ProfilePersistenceContract.fullUpdate(customer));
            before = profiles.find(customer).orElseThrow();
            for (int i = 0; i < PROFILES; i++) {
                profiles.apply("c-bulk-" + i, ProfileUpdate.of(Map.of("email", "bulk" + i + "@example.com"), Map.of(), Instant.now())
                        .forEvent("bulk-" + i, "signed_up", Instant.now()));
            }

            assertThat(cached(first)).as("cached profiles").isLessThanOrEqualTo(CACHE_SIZE);
            for (int i = 0; i < PROFILES; i++) {
                assertThat(profiles.find("c-bulk-" + i)).as("profile %d, loaded on a miss", i).isPresent();
            }
            assertThat(cached(first)).isLessThanOrEqualTo(CACHE_SIZE);
        }

        try (ConfigurableApplicationContext second = start()) {
            ProfileService profiles = second.getBean(ProfileService.class);
            assertThat(cached(second)).as("nothing is cached before it is asked for").isZero();

            assertThat(profiles.find(customer)).hasValue(before);
            assertThat(profiles.findByIdentity("email", customer + "@example.com")).hasValue(before);
            assertThat(profiles.find("c-bulk-" + (PROFILES - 1)).orElseThrow().email()).isEqualTo("bulk" + (PROFILES - 1) + "@example.com");
        }
    }

    private ConfigurableApplicationContext start() {
        // arguments, not builder properties: those are defaults that the test profile's settings would override
        return new SpringApplicationBuilder(TouchpointApplication.class)
                .profiles("dev", "test")
                .run("--spring.datasource.url=jdbc:h2:file:" + dataDir.resolve("touchpoint").toAbsolutePath(),
                        "--server.port=0",
                        "--touchpoint.profiles.cache-size=" + CACHE_SIZE,
                        "--touchpoint.hazelcast.cluster-name=restart-" + UUID.randomUUID(),
                        // a name of its own (no hyphens, Camunda ignores those): closing this context must not unregister the engine other tests share
                        "--camunda.bpm.process-engine-name=restart" + UUID.randomUUID().toString().replace("-", ""));
    }

    private static long cached(ConfigurableApplicationContext context) {
        return context.getBean(HazelcastInstance.class).getMap(ProfileService.MAP_NAME).getLocalMapStats().getOwnedEntryCount();
    }
}
