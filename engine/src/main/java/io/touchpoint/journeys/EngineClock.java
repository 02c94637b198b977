package io.touchpoint.journeys;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The engine's clock ({@link ClockUtil}) as a {@link Clock}: the application's clock in a journey sandbox
 * ({@code touchpoint.sandbox.enabled}) and in tests that move the engine clock, so the delivery log, the caps and
 * the quiet hours see the moved time too.
 */
public final class EngineClock extends Clock {

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return ClockUtil.getCurrentTime().toInstant();
    }

    /** In a journey sandbox the application reads the engine clock, which the replay moves. */
    @Configuration
    @ConditionalOnProperty(name = "touchpoint.sandbox.enabled", havingValue = "true")
    static class InSandbox {
        @Bean
        @Primary
        Clock engineClock() {
            return new EngineClock();
        }
    }
}
