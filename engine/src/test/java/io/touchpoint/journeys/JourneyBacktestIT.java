package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.runtime.JobQuery;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.touchpoint.channels.Channel;
import io.touchpoint.channels.MessageRequest;
import io.touchpoint.channels.MessageService;
import io.touchpoint.events.CustomerEvent;
import io.touchpoint.events.EventIntake;

/**
 * {@code POST /api/journeys/backtest} in the whole application, with the evidence: a week of recorded events
 * for {@value #DEFAULT_CUSTOMERS} customers (the size; {@code -Dbacktest.customers=N} for another) in four
 * time zones — carts left at any hour, some orders before and after the reminder, second carts, customers without
 * email consent, and transactional emails that live journeys sent on some of those days — is backtested against the
 * abandoned-cart journey with its wait changed from one hour to two. The report must equal what the live engine
 * produces from the same events with that journey deployed (played one by one on a virtual clock, the due jobs run
 * between them with {@link JourneyReplay#runJobsUntil}, after the backtest), its collisions must be exactly the would-be reminders on a local day that got a live email,
 * and the backtest must leave the live engine's runs, the delivery log, the mailbox and the SMS provider untouched.
 */
class JourneyBacktestIT extends JourneyEndToEnd {

    static final int DEFAULT_CUSTOMERS = 1_000;
    private static final Instant FROM = Instant.parse("2025-06-02T00:00:00Z");
    private static final Instant TO = FROM.plus(Duration.ofDays(7));

    private final ObjectMapper json = SandboxJob.JSON;

    @Autowired
    EventIntake intake;
    @Autowired
    MessageService messages;
    @Autowired
    RepositoryService repository;
    @Autowired
    JourneyReplay replay;

    @Test
    void aBacktestReportsWhatTheLiveEngineWouldHaveDoneAndChangesNothingLive() throws IOException {
        int customers = Integer.getInteger("backtest.customers", DEFAULT_CUSTOMERS);
        RecordedWeek seeded = seed(customers);
        ClockUtil.reset();
        long liveRuns = runtime.createProcessInstanceQuery().count();
        long liveJobs = management.createJobQuery().count();
        long definitions = repository.createProcessDefinitionQuery().count();
        Long deliveryRows = jdbc.queryForObject("select count(*) from delivery_log", Long.class);
        int emails = SMTP.getReceivedMessages().length;
        int providerCalls = PROVIDERS.received("/").size();
        String draft = AbandonedCartJourneyIT.abandonedCartWaiting("PT2H");

        HttpResponse<String> started = post("/api/journeys/backtest", json.writeValueAsString(Map.of("bpmn", draft, "fileName", "abandoned-cart.bpmn",
                "from", FROM.toString(), "to", TO.toString())));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        DraftJourneys.BacktestStatus[] status = new DraftJourneys.BacktestStatus[1];
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            status[0] = json.readValue(get(location).body(), DraftJourneys.BacktestStatus.class);
            return !status[0].state().equals("RUNNING");
        });
        assertThat(status[0].error()).isNull();
        assertThat(status[0].state()).isEqualTo("DONE");
        assertThat(status[0].replayed()).isEqualTo(seeded.events().size());
        DraftJourneys.BacktestReport report = status[0].report();

        assertThat(runtime.createProcessInstanceQuery().count()).as("live runs").isEqualTo(liveRuns);
        assertThat(management.createJobQuery().count()).as("live jobs").isEqualTo(liveJobs);
        assertThat(repository.createProcessDefinitionQuery().count()).as("deployed journeys").isEqualTo(definitions);
        assertThat(jdbc.queryForObject("select count(*) from delivery_log", Long.class)).as("delivery log").isEqualTo(deliveryRows);
        assertThat(SMTP.getReceivedMessages()).as("mailbox").hasSize(emails);
        assertThat(PROVIDERS.received("/")).as("SMS provider").hasSize(providerCalls);

        JourneyReplay.Report backtested = report.journey();
        assertThat(report.customers()).isEqualTo(customers);
        assertThat(backtested.eventsReplayed()).isEqualTo(seeded.events().size());
        assertThat(backtested.failures()).isEmpty();
        assertThat(backtested.entries()).isPositive();
        assertThat(backtested.messages()).isNotEmpty().allSatisfy(message -> {
            assertThat(message.content()).contains(message.subject());
            assertThat(message.localTime().getHour()).as("quiet hours 21:00-08:00 local").isBetween(8, 20);
        });
        assertThat(backtested.heldBack()).as("reminders deferred by quiet hours").isNotEmpty();
        assertThat(backtested.hourlyVolume().stream().mapToLong(Long::longValue).sum()).isEqualTo(backtested.messages().size());
        assertThat(collisionKeys(report.collisions())).isEqualTo(expectedCollisions(backtested, seeded)).isNotEmpty();

        JourneyReplay.Report live = liveRunOf(draft, seeded);
        assertThat(backtested.entries()).isEqualTo(live.entries());
        assertThat(backtested.steps()).isEqualTo(live.steps());
        assertThat(backtested.ends()).isEqualTo(live.ends());
        assertThat(backtested.conversions()).isEqualTo(live.conversions());
        assertThat(withoutContent(backtested.messages())).isEqualTo(withoutContent(live.messages()));
        assertThat(withoutContent(backtested.suppressed())).isEqualTo(withoutContent(live.suppressed()));
        assertThat(backtested.heldBack()).isEqualTo(live.heldBack());
        assertThat(backtested.hourlyVolume()).isEqualTo(live.hourlyVolume());
    }

    /**
     * Records the week through the live intake (profiles first, the week before), and sends a transactional email
     * (not counted by the marketing caps) through the live message service at each of its live sends.
     */
    private RecordedWeek seed(int customers) {
        RecordedWeek week = RecordedWeek.generate(customers, "bt-" + UUID.randomUUID().toString().substring(0, 8), FROM, 21);
        week.profiles().forEach(intake::accept);
        week.events().forEach(intake::accept);
        week.liveSends().entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(send -> {
            ClockUtil.setCurrentTime(Date.from(send.getValue()));
            messages.send(new MessageRequest("live-" + send.getKey() + ":Send_Welcome", send.getKey(), Channel.EMAIL, "welcome-1", "transactional", Map.of()));
        });
        return week;
    }

    /**
     * The live engine on the same events: the draft deployed, the customers' earlier runs of the journey gone, the
     * events played again one at a time as they arrived, the clock moved to each due job between them (not the
     * backtest's way of taking in the events between two due jobs together).
     */
    private JourneyReplay.Report liveRunOf(String draft, RecordedWeek seeded) {
        Set<String> customers = seeded.zones().keySet();
        runtime.createProcessInstanceQuery().processDefinitionKey("abandonedCart").list().stream()
                .filter(run -> customers.contains(run.getBusinessKey()))
                .forEach(run -> runtime.deleteProcessInstance(run.getId(), "replaced by the backtest's live run"));
        String deployment = repository.createDeployment().name("backtest-live-run").addString("abandoned-cart.bpmn", draft).deploy().getId();
        ProcessDefinition journey = repository.createProcessDefinitionQuery().deploymentId(deployment).singleResult();
        List<String> failures = new ArrayList<>();
        Supplier<JobQuery> jobs = () -> management.createJobQuery().processDefinitionId(journey.getId());
        ClockUtil.setCurrentTime(Date.from(seeded.events().get(0).occurredAt()));
        for (CustomerEvent event : seeded.events()) { // one by one, each in a transaction of its own, the due jobs between them
            replay.runJobsUntil(event.occurredAt(), jobs, failures);
            intake.accept(new CustomerEvent(null, event.type(), event.customerId(), event.identities(), event.occurredAt(), event.properties()));
        }
        replay.runJobsUntil(TO, jobs, failures);
        return replay.report(journey.getId(), seeded.events().size(), failures);
    }

    private static Set<String> expectedCollisions(JourneyReplay.Report report, RecordedWeek seeded) {
        return report.messages().stream()
                .filter(message -> message.localTime().toLocalDate().equals(seeded.liveSendDays().get(message.customerId())))
                .map(message -> message.customerId() + " " + message.at()).collect(Collectors.toSet());
    }

    private static Set<String> collisionKeys(List<DraftJourneys.Collision> collisions) {
        return collisions.stream().map(collision -> collision.customerId() + " " + collision.at()).collect(Collectors.toSet());
    }

    private static List<JourneyReplay.Message> withoutContent(List<JourneyReplay.Message> messages) {
        return messages.stream().map(JourneyReplay.Message::withoutContent)
                .sorted(java.util.Comparator.comparing(JourneyReplay.Message::at).thenComparing(JourneyReplay.Message::customerId)).toList();
    }
}
