package io.touchpoint.system;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The clock the engine's own code reads, so tests and benchmarks can control time. In a journey sandbox (a process
 * of its own that tries a draft journey on a virtual clock, {@code touchpoint.sandbox.enabled}) it follows the
 * engine clock, so the delivery log, the caps and the quiet hours see the virtual time too.
 */
@Configuration
public class ClockConfiguration {

    @Bean
    Clock clock(@Value("${touchpoint.sandbox.enabled:false}") boolean sandbox) {
        return sandbox ? new EngineClock() : Clock.systemUTC();
    }

    /** The engine's clock ({@link ClockUtil}) as a {@link Clock}: what the application reads where tests move the engine clock too. */
    public static final class EngineClock extends Clock {
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
    }
}
