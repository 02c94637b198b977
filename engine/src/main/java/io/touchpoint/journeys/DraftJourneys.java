package io.touchpoint.journeys;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PreDestroy;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.repository.ProcessDefinitionQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

import io.touchpoint.channels.DeliveryLog;
import io.touchpoint.channels.DeliveryReports;
import io.touchpoint.events.CustomerEvent;
import io.touchpoint.events.EventHistory;
import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.profiles.ProfileService;

/**
 * Tries a journey that is not live (README "Testing a journey before it goes live"): {@link #test} plays a scenario
 * file against a draft BPMN and answers pass/fail with the differences; {@link #startBacktest} replays the events
 * recorded in a period for the customers they concern against a draft (or a deployed version) and reports what it
 * would have done, and where that collides with what the live journeys sent. Both run in a {@link JourneySandbox};
 * nothing is sent and nothing of this node changes but the backtest's progress, kept in memory here.
 */
@Service
public class DraftJourneys {

    private static final Logger log = LoggerFactory.getLogger(DraftJourneys.class);

    /** A draft test's answer: passed when every scenario passed. */
    public record TestAnswer(String journey, boolean passed, List<SandboxJob.ScenarioResult> scenarios) {
    }

    /** A would-be message on a customer's local day on which a live journey already sent them one (a daily cap hit). */
    public record Collision(String customerId, String step, String channel, String template, Instant at,
                            String liveChannel, String liveTemplate, Instant liveAt) {
    }

    /** A backtest's report: the period, the customers replayed, what the journey did, and its collisions. */
    public record BacktestReport(Instant from, Instant to, int customers, JourneyReplay.Report journey, List<Collision> collisions) {
    }

    /** Where a backtest is: RUNNING (with progress), DONE (with its report) or FAILED (with the reason). */
    public record BacktestStatus(String id, String state, String journey, int events, int replayed, Instant startedAt,
                                 Instant finishedAt, BacktestReport report, String error, Long sandboxStartMillis, Long replayMillis) {
    }

    private final JourneySandbox sandbox;
    private final RepositoryService repository;
    private final HistoryService history;
    private final EventHistory events;
    private final ProfileService profiles;
    private final DeliveryReports deliveries;
    private final ObjectMapper json;
    private final Clock clock;
    private final int maxEvents;
    private final Duration maxPeriod;
    private final Map<String, Backtest> backtests = new ConcurrentHashMap<>();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(task -> new Thread(task, "journey-backtest"));

    DraftJourneys(JourneySandbox sandbox, RepositoryService repository, HistoryService history, EventHistory events, ProfileService profiles,
                  DeliveryReports deliveries, ObjectMapper json, Clock clock,
                  @Value("${touchpoint.journeys.backtest.max-events:200000}") int maxEvents,
                  @Value("${touchpoint.journeys.backtest.max-period:P93D}") Duration maxPeriod) {
        this.sandbox = sandbox;
        this.repository = repository;
        this.history = history;
        this.events = events;
        this.profiles = profiles;
        this.deliveries = deliveries;
        this.json = json;
        this.clock = clock;
        this.maxEvents = maxEvents;
        this.maxPeriod = maxPeriod;
    }

    /** Plays every scenario of the file against the draft; {@link IllegalArgumentException} names a bad draft or scenario. */
    public TestAnswer test(String fileName, byte[] bpmn, String scenarioFile) {
        String journey = sandbox.check(fileName, bpmn);
        if (scenarioFile == null || scenarioFile.isBlank()) {
            throw new IllegalArgumentException("scenario: missing");
        }
        List<JourneyScenario> scenarios = JourneyScenario.parse("scenario", scenarioFile);
        if (!scenarios.get(0).journey().equals(journey)) {
            throw new IllegalArgumentException("scenario: journey '" + scenarios.get(0).journey() + "' but the BPMN's process is '" + journey + "'");
        }
        SandboxJob.Result result = sandbox.run(fileName, bpmn, new SandboxJob(journey, scenarioFile, List.of(), List.of(), null), running -> { });
        refusedOrNot(fileName, result);
        return new TestAnswer(journey, result.scenarios().stream().allMatch(SandboxJob.ScenarioResult::passed), result.scenarios());
    }

    /**
     * Checks the draft (or takes the deployed version {@code key}/{@code version}, the latest when null) and the
     * period, reads the period's events and their customers' profiles, and starts the backtest in the background.
     */
    public BacktestStatus startBacktest(String fileName, byte[] bpmn, String key, Integer version, Instant from, Instant to) {
        if (from == null || to == null || !from.isBefore(to)) {
            throw new IllegalArgumentException("from, to: give a period, from before to (ISO-8601 instants like 2026-11-30T00:00:00Z)");
        }
        if (Duration.between(from, to).compareTo(maxPeriod) > 0) {
            throw new IllegalArgumentException("to: a backtest covers at most " + maxPeriod + " (touchpoint.journeys.backtest.max-period)");
        }
        if (bpmn == null) {
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("bpmn: give a draft BPMN, or the key (and version) of a deployed journey");
            }
            ProcessDefinitionQuery query = repository.createProcessDefinitionQuery().processDefinitionKey(key);
            ProcessDefinition deployed = (version == null ? query.latestVersion() : query.processDefinitionVersion(version)).singleResult();
            if (deployed == null) {
                throw new IllegalArgumentException("journey: no deployed journey '" + key + "'" + (version == null ? "" : " in version " + version));
            }
            fileName = deployed.getResourceName();
            try (InputStream model = repository.getProcessModel(deployed.getId())) {
                bpmn = model.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String journey = sandbox.check(fileName, bpmn);
        List<EventHistory.Recorded> recorded = events.occurredBetween(from, to, maxEvents + 1);
        if (recorded.size() > maxEvents) {
            throw new IllegalArgumentException("from, to: the period holds more than " + maxEvents
                    + " recorded events (touchpoint.journeys.backtest.max-events); take a shorter one");
        }
        List<CustomerEvent> replayed = recorded.stream().map(this::event).toList();
        Map<String, CustomerEvent> profileUpdates = new LinkedHashMap<>();
        Map<String, ZoneId> zones = new HashMap<>();
        for (CustomerEvent event : replayed) {
            profileUpdates.computeIfAbsent(event.customerId(), customer -> profiles.find(customer).map(profile -> {
                zones.put(customer, zoneOf(profile));
                return profileUpdate(profile);
            }).orElse(null));
        }
        profileUpdates.values().removeIf(java.util.Objects::isNull);
        Backtest backtest = new Backtest(UUID.randomUUID().toString(), journey, bpmn, replayed.size(), clock.instant());
        backtests.put(backtest.id, backtest);
        String file = fileName;
        byte[] draft = bpmn;
        runner.submit(() -> {
            try {
                List<SandboxJob.Result> results = sandbox.runEach(file, draft,
                        parts -> split(List.copyOf(profileUpdates.values()), replayed, parts).stream()
                                .map(part -> new SandboxJob(journey, null, part.profiles(), part.events(), to)).toList(),
                        running -> backtest.running = running);
                results.forEach(result -> refusedOrNot(file, result));
                backtest.sandboxStartMillis = results.stream().mapToLong(SandboxJob.Result::startMillis).max().orElse(0);
                backtest.replayMillis = results.stream().mapToLong(SandboxJob.Result::runMillis).max().orElse(0);
                JourneyReplay.Report report = JourneyReplay.Report.merge(results.stream().map(SandboxJob.Result::report).toList());
                backtest.report = new BacktestReport(from, to, profileUpdates.size(), report, collisions(journey, report, zones, from, to));
                log.info("Backtest {} of {}: {} events of {} customers replayed in {} ms by {} sandboxes (started in {} ms)", backtest.id, journey,
                        replayed.size(), profileUpdates.size(), backtest.replayMillis, results.size(), backtest.sandboxStartMillis);
            } catch (RuntimeException e) {
                log.warn("TP-JOURNEY-011 Backtest {} of {} failed: {}", backtest.id, journey, e.getMessage());
                backtest.error = e.getMessage();
            }
            backtest.finishedAt = clock.instant();
        });
        return backtest.status();
    }

    /** The profiles and events of some of a backtest's customers. */
    record Part(List<CustomerEvent> profiles, List<CustomerEvent> events) {
    }

    /**
     * Splits a backtest's customers into at most {@code parts} parts of about as many events each, to replay side by
     * side: what one customer's journeys do depends on that customer's events alone (their caps and quiet hours too),
     * so each part's sandbox produces what one sandbox would for those customers. Customers that share an identity
     * (an email, a phone) stay in one part, since an event could merge them. Parts keep the events' order.
     */
    static List<Part> split(List<CustomerEvent> profiles, List<CustomerEvent> events, int parts) {
        Map<String, String> parent = new HashMap<>();
        java.util.stream.Stream.concat(profiles.stream(), events.stream()).forEach(event -> event.identities()
                .forEach((type, value) -> union(parent, "c:" + event.customerId(), "i:" + type + ":" + value)));
        Map<String, Integer> eventsOf = new HashMap<>();
        events.forEach(event -> eventsOf.merge(root(parent, "c:" + event.customerId()), 1, Integer::sum));
        Map<String, Integer> partOf = new HashMap<>();
        long[] load = new long[Math.max(1, parts)];
        eventsOf.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(group -> {
                    int lightest = 0;
                    for (int i = 1; i < load.length; i++) {
                        lightest = load[i] < load[lightest] ? i : lightest;
                    }
                    load[lightest] += group.getValue();
                    partOf.put(group.getKey(), lightest);
                });
        List<Part> split = new ArrayList<>();
        for (int i = 0; i < load.length; i++) {
            split.add(new Part(new ArrayList<>(), new ArrayList<>()));
        }
        profiles.forEach(profile -> split.get(partOf.getOrDefault(root(parent, "c:" + profile.customerId()), 0)).profiles().add(profile));
        events.forEach(event -> split.get(partOf.get(root(parent, "c:" + event.customerId()))).events().add(event));
        split.removeIf(part -> part.events().isEmpty());
        return split.isEmpty() ? List.of(new Part(profiles, events)) : split;
    }

    private static void union(Map<String, String> parent, String one, String other) {
        String a = root(parent, one);
        String b = root(parent, other);
        if (!a.equals(b)) {
            parent.put(b, a);
        }
    }

    private static String root(Map<String, String> parent, String node) {
        String root = node;
        for (String up = parent.get(root); up != null; up = parent.get(root)) {
            root = up;
        }
        for (String at = node; !at.equals(root); ) { // shorten the path for the next one
            at = parent.put(at, root);
        }
        return root;
    }

    /** The backtest's status, if this node ran it (since its start). */
    public java.util.Optional<BacktestStatus> backtest(String id) {
        return java.util.Optional.ofNullable(backtests.get(id)).map(Backtest::status);
    }

    /** The BPMN a backtest of this node ran (to draw its report's counts on), if this node ran it. */
    public java.util.Optional<byte[]> backtestBpmn(String id) {
        return java.util.Optional.ofNullable(backtests.get(id)).map(backtest -> backtest.bpmn);
    }

    /**
     * The would-be messages sent on a customer's local day on which a live journey other than this one sent them a
     * message (the strictest shipped cap: one marketing message a day).
     */
    private List<Collision> collisions(String journey, JourneyReplay.Report report, Map<String, ZoneId> zones, Instant from, Instant to) {
        List<DeliveryLog.Entry> live = deliveries.messages(from.minus(Duration.ofDays(1)), to.plus(Duration.ofDays(2)), "", DeliveryLog.Status.SENT.name(), "", "");
        Set<String> sameJourney = new HashSet<>();
        List<String> runs = live.stream().map(entry -> entry.idempotencyKey().split(":", 2)[0]).distinct().toList();
        for (int i = 0; i < runs.size(); i += 500) {
            history.createHistoricProcessInstanceQuery().processInstanceIds(new HashSet<>(runs.subList(i, Math.min(runs.size(), i + 500))))
                    .processDefinitionKey(journey).list().stream().map(HistoricProcessInstance::getId).forEach(sameJourney::add);
        }
        Map<String, List<DeliveryLog.Entry>> liveByCustomer = live.stream()
                .filter(entry -> !sameJourney.contains(entry.idempotencyKey().split(":", 2)[0]))
                .collect(Collectors.groupingBy(DeliveryLog.Entry::customerId));
        List<Collision> collisions = new ArrayList<>();
        for (JourneyReplay.Message message : report.messages()) {
            ZoneId zone = zones.getOrDefault(message.customerId(), ZoneOffset.UTC);
            LocalDate day = message.localTime().toLocalDate();
            for (DeliveryLog.Entry sent : liveByCustomer.getOrDefault(message.customerId(), List.of())) {
                if (LocalDate.ofInstant(sent.createdAt(), zone).equals(day)) {
                    collisions.add(new Collision(message.customerId(), message.step(), message.channel(), message.template(), message.at(),
                            sent.channel(), sent.template(), sent.createdAt()));
                }
            }
        }
        return collisions;
    }

    private static void refusedOrNot(String fileName, SandboxJob.Result result) {
        if (result.refused() != null) {
            throw new IllegalArgumentException("bpmn: " + fileName + " was refused: " + result.refused());
        }
    }

    private CustomerEvent event(EventHistory.Recorded recorded) {
        try {
            CustomerEvent event = json.readValue(recorded.payload(), CustomerEvent.class);
            return new CustomerEvent(event.eventId(), recorded.type(), recorded.customerId(), event.identities(), recorded.occurredAt(), event.properties());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The customer's profile as it is now, as the {@code profile_updated} event that sets it in the sandbox. */
    private static CustomerEvent profileUpdate(CustomerProfile profile) {
        Map<String, String> identities = new HashMap<>();
        if (profile.email() != null) {
            identities.put(CustomerProfile.EMAIL, profile.email());
        }
        if (profile.phone() != null) {
            identities.put(CustomerProfile.PHONE, profile.phone());
        }
        Map<String, Object> properties = new HashMap<>();
        properties.put("traits", profile.attributes());
        properties.put("consents", profile.consents());
        if (profile.timeZone() != null) {
            properties.put("timeZone", profile.timeZone());
        }
        if (profile.locale() != null) {
            properties.put("locale", profile.locale());
        }
        return new CustomerEvent(null, "profile_updated", profile.customerId(), identities, null, properties);
    }

    private static ZoneId zoneOf(CustomerProfile profile) {
        try {
            return profile.timeZone() == null ? ZoneOffset.UTC : ZoneId.of(profile.timeZone());
        } catch (java.time.DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    @PreDestroy
    void stop() {
        runner.shutdownNow();
        backtests.values().stream().flatMap(backtest -> backtest.running.stream()).forEach(running -> running.process().destroyForcibly());
    }

    /** One backtest of this node: its progress while it runs, then its report or its failure. */
    private static final class Backtest {
        final String id;
        final String journey;
        final byte[] bpmn;
        final int events;
        final Instant startedAt;
        volatile List<JourneySandbox.Running> running = List.of();
        volatile BacktestReport report;
        volatile String error;
        volatile Instant finishedAt;
        volatile Long sandboxStartMillis;
        volatile Long replayMillis;

        Backtest(String id, String journey, byte[] bpmn, int events, Instant startedAt) {
            this.id = id;
            this.journey = journey;
            this.bpmn = bpmn;
            this.events = events;
            this.startedAt = startedAt;
        }

        BacktestStatus status() {
            String state = finishedAt == null ? "RUNNING" : error == null ? "DONE" : "FAILED";
            int replayed = report != null ? events : running.stream().mapToInt(JourneySandbox.Running::progress).sum();
            return new BacktestStatus(id, state, journey, events, replayed, startedAt, finishedAt, report, error, sandboxStartMillis, replayMillis);
        }
    }
}
