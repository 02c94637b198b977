package io.touchpoint;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Starts the Touchpoint engine: event intake, profiles, journeys, decisions, channels and the console. */
@SpringBootApplication
public class TouchpointApplication {

    static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    public static void main(String[] args) {
        // on 2 cores the common pool would have 1 thread, and then Hazelcast's and CompletableFuture's asynchronous
        // calls start a thread each (thousands a minute under load); 2 keeps them on the pool. A -D setting wins.
        if (Runtime.getRuntime().availableProcessors() < 3 && System.getProperty(COMMON_POOL_PARALLELISM) == null) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
        SpringApplication.run(TouchpointApplication.class, args);
    }
}
