package io.touchpoint.journeys;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.touchpoint.events.CustomerEvent;

/**
 * What a journey sandbox is asked to do ({@code job.json} in its folder): play the scenario file {@code scenarios}
 * (a draft test), or replay {@code events} for the customers of {@code profiles} up to {@code until} (a backtest),
 * against the journey in the sandbox's {@code workflows/} folder.
 */
record SandboxJob(String journey, String scenarios, List<CustomerEvent> profiles, List<CustomerEvent> events, Instant until) {

    /**
     * The JSON both processes read and write the job and its result with: Java's maps and times (not every module on
     * the classpath: Kafka's brings Scala's, which would read objects as Scala maps).
     */
    static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule()).addModule(new Jdk8Module())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    boolean isBacktest() {
        return scenarios == null;
    }

    /** One scenario's outcome: passed, or the differences between what it expects and what the journey did. */
    record ScenarioResult(String name, boolean passed, List<String> differences) {
    }

    /**
     * What the sandbox answers ({@code result.json}): the draft refused by the deployment (with the reason), or the
     * scenarios' results, or the backtest's report; {@code error} when the sandbox itself failed; how long it took to
     * start and to run the job.
     */
    record Result(String refused, List<ScenarioResult> scenarios, JourneyReplay.Report report, String error, long startMillis, long runMillis) {
        Result timed(long start, long run) {
            return new Result(refused, scenarios, report, error, start, run);
        }
    }
}
