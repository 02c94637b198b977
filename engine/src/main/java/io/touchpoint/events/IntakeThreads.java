package io.touchpoint.events;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.security.task.DelegatingSecurityContextAsyncTaskExecutor;

/**
 * The threads that take in events arriving over HTTP. Camel's platform-http runs each request on an executor it
 * picks from the application's beans, preferring one that carries the security context along; without this one
 * it picked Camunda's job executor pool (10 threads, a queue of 3), so that a burst of events was refused with 500
 * and competed with the journeys' jobs. The queue holds every request the {@link IntakeGate} lets in.
 */
@Configuration
class IntakeThreads {

    @Bean
    DelegatingSecurityContextAsyncTaskExecutor eventIntakeExecutor(@Value("${touchpoint.events.http-threads}") int threads,
                                                                   @Value("${touchpoint.events.max-in-flight}") int maxInFlight) {
        ThreadPoolTaskExecutor pool = new ThreadPoolTaskExecutor();
        pool.setThreadNamePrefix("events-http-");
        pool.setCorePoolSize(threads);
        pool.setMaxPoolSize(threads);
        pool.setQueueCapacity(maxInFlight);
        pool.initialize();
        return new DelegatingSecurityContextAsyncTaskExecutor(pool);
    }
}
