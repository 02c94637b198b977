package io.touchpoint.journeys;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.history.HistoricActivityInstance;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.engine.runtime.JobQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.touchpoint.channels.DeliveryLog;
import io.touchpoint.channels.DeliveryReports;
import io.touchpoint.channels.RenderedMessage;
import io.touchpoint.decisions.DecisionLog;
import io.touchpoint.decisions.DecisionRequest;
import io.touchpoint.events.CustomerEvent;
import io.touchpoint.events.EventIntake;
import io.touchpoint.profiles.CustomerProfile;
import io.touchpoint.profiles.ProfileService;

/**
 * Plays events through the engine on a virtual clock (README "Testing a journey before it goes live"): each event
 * goes in through {@link EventIntake} at the moment it occurred, and before it every job of the journey that falls
 * due is executed in due-date order with the engine clock moved to its due date, as the job executor would
 * ({@link #runJobsUntil}, which the scenario tests use too). Then
 * {@link #report} tells what the journey did: entries, per-step counts, ends, conversions, every message with its
 * rendered content, the sends the sending policy held back and the hourly volume in the customers' local time.
 * It moves the JVM-global engine clock: it runs in a journey sandbox (a process of its own, {@link JourneySandbox})
 * or in a test that owns its JVM, never in a live engine.
 */
@Component
public class JourneyReplay {

    private static final Logger log = LoggerFactory.getLogger(JourneyReplay.class);

    /** Executed jobs between two replayed events beyond which a journey is taken to loop. */
    static final int MAX_JOBS_BETWEEN_EVENTS = 5_000;
    /** Events (or due jobs) taken in (or run) in one transaction, at most (as the intake's batches: {@code batch-events-per-transaction}). */
    static final int EVENTS_TOGETHER = 100;
    private static final Set<DeliveryLog.Status> WENT_OUT = Set.of(DeliveryLog.Status.SENT, DeliveryLog.Status.QUEUED);

    /** A message the journey sent (or, in a sandbox, would have sent), in the customer's local time too. */
    public record Message(String customerId, String step, String channel, String template, String status, Instant at,
                          LocalDateTime localTime, String subject, String content, String reason) {
        /** The message without what a run cannot reproduce exactly (its rendered content, with per-message links). */
        public Message withoutContent() {
            return new Message(customerId, step, channel, template, status, at, localTime, subject, null, reason);
        }
    }

    /** A send the sending policy held back: deferred to a later time (quiet hours, caps) or not sent at all. */
    public record HeldBack(String customerId, String step, Instant decidedAt, Instant sendAt, boolean sent, List<String> reasons) {
    }

    /**
     * What a journey did with the replayed events; its messages in the order they went out, its held-back sends in
     * the order they were decided (customer and step after that).
     */
    public record Report(String journey, int version, long eventsReplayed, long entries, Map<String, Long> steps,
                         Map<String, Long> ends, long conversions, List<Message> messages, List<Message> suppressed,
                         List<HeldBack> heldBack, List<Long> hourlyVolume, List<String> failures) {

        private static final java.util.Comparator<Message> SENT = java.util.Comparator.comparing(Message::at)
                .thenComparing(Message::customerId).thenComparing(Message::step, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()));
        private static final java.util.Comparator<HeldBack> DECIDED = java.util.Comparator.comparing(HeldBack::decidedAt)
                .thenComparing(HeldBack::customerId).thenComparing(HeldBack::step, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()));

        /** One report of what several replays of different customers did: the sums, the lists merged in order. */
        public static Report merge(List<Report> reports) {
            if (reports.size() == 1) {
                return reports.get(0);
            }
            Report named = reports.stream().filter(report -> report.journey() != null).findFirst().orElse(reports.get(0));
            Map<String, Long> steps = new TreeMap<>();
            Map<String, Long> ends = new TreeMap<>();
            long[] hourly = new long[24];
            for (Report report : reports) {
                report.steps().forEach((step, count) -> steps.merge(step, count, Long::sum));
                report.ends().forEach((end, count) -> ends.merge(end, count, Long::sum));
                for (int hour = 0; hour < 24; hour++) {
                    hourly[hour] += report.hourlyVolume().get(hour);
                }
            }
            return new Report(named.journey(), named.version(), reports.stream().mapToLong(Report::eventsReplayed).sum(),
                    reports.stream().mapToLong(Report::entries).sum(), steps, ends, reports.stream().mapToLong(Report::conversions).sum(),
                    sorted(reports.stream().flatMap(report -> report.messages().stream()), SENT),
                    sorted(reports.stream().flatMap(report -> report.suppressed().stream()), SENT),
                    sorted(reports.stream().flatMap(report -> report.heldBack().stream()), DECIDED),
                    java.util.Arrays.stream(hourly).boxed().toList(),
                    reports.stream().flatMap(report -> report.failures().stream()).limit(20).toList());
        }

        private static <T> List<T> sorted(Stream<T> items, java.util.Comparator<T> order) {
            return items.sorted(order).toList();
        }
    }

    private final EventIntake intake;
    private final ManagementService management;
    private final HistoryService history;
    private final DeliveryReports deliveries;
    private final DecisionLog decisions;
    private final JourneyRecords records;
    private final ProfileService profiles;
    private final TransactionTemplate transaction;

    JourneyReplay(EventIntake intake, ManagementService management, HistoryService history, DeliveryReports deliveries,
                  DecisionLog decisions, JourneyRecords records, ProfileService profiles, PlatformTransactionManager transactions) {
        this.transaction = new TransactionTemplate(transactions);
        this.intake = intake;
        this.management = management;
        this.history = history;
        this.deliveries = deliveries;
        this.decisions = decisions;
        this.records = records;
        this.profiles = profiles;
    }

    /**
     * Sets the customers' profiles as they are now ({@code profile_updated} events at the first event's time), then
     * plays the events in time order, running the journey's due jobs between them, and the jobs due up to
     * {@code until} after the last. Event ids are left out, so events already recorded here are taken again.
     * The jobs due before an event and the events that follow it before the journey's next job falls due go in one
     * transaction ({@link #jobsThenEventsTogether}), up to {@value #EVENTS_TOGETHER} of each, the events through
     * {@link EventIntake#acceptTogether}, the clock at each job's due moment and each event's moment; when one of them
     * fails, or a job those events made falls due before the last of them (a short timer, an asynchronous step), the
     * transaction is taken back and they go the longer way: the jobs {@value #EVENTS_TOGETHER} to a transaction
     * ({@link #runJobsTogetherUntil}, one by one should one fail), then the events together, else one by one with the
     * jobs between them, as a live engine would.
     *
     * @param progress told the number of events replayed so far, every 100 events or so and at the end
     * @return the failures of jobs that threw, one line each
     */
    public List<String> replay(String processDefinitionId, Collection<CustomerEvent> profileUpdates, List<CustomerEvent> events,
                               Instant until, IntConsumer progress) {
        List<CustomerEvent> ordered = events.stream().sorted(java.util.Comparator.comparing(CustomerEvent::occurredAt))
                .map(event -> new CustomerEvent(null, event.type(), event.customerId(), event.identities(), event.occurredAt(), event.properties()))
                .toList();
        List<String> failures = new ArrayList<>();
        if (ordered.isEmpty()) {
            return failures;
        }
        Instant first = ordered.get(0).occurredAt();
        ClockUtil.setCurrentTime(Date.from(first));
        List<CustomerEvent> profiles = profileUpdates.stream()
                .map(profile -> new CustomerEvent(null, profile.type(), profile.customerId(), profile.identities(), first, profile.properties())).toList();
        for (int i = 0; i < profiles.size(); i += EVENTS_TOGETHER) {
            List<CustomerEvent> together = profiles.subList(i, Math.min(profiles.size(), i + EVENTS_TOGETHER));
            if (together.stream().anyMatch(EventIntake::mayMerge) || intake.acceptTogether(together).isEmpty()) {
                together.forEach(intake::accept);
            }
        }
        Supplier<JobQuery> jobs = () -> management.createJobQuery().processDefinitionId(processDefinitionId);
        int replayed = 0;
        int told = 0;
        int oneByOne = 0;
        while (replayed < ordered.size()) {
            Integer end = jobsThenEventsTogether(ordered, replayed, jobs);
            if (end == null) {
                Instant nextDue = runJobsTogetherUntil(ordered.get(replayed).occurredAt(), jobs, failures);
                end = batchEnd(ordered, replayed, nextDue);
                List<CustomerEvent> batch = ordered.subList(replayed, end);
                if (batch.size() == 1 || !tookInTogether(batch, jobs)) {
                    oneByOne += batch.size();
                    for (CustomerEvent event : batch) {
                        runJobsUntil(event.occurredAt(), jobs, failures);
                        intake.accept(event);
                    }
                }
            }
            replayed = end;
            if (replayed - told >= 100) {
                told = replayed;
                progress.accept(replayed);
            }
        }
        runJobsTogetherUntil(until, jobs, failures);
        progress.accept(replayed);
        log.info("Replayed {} events, {} of them together with others, {} one by one", replayed, replayed - oneByOne, oneByOne);
        return failures;
    }

    /** Where the events that go in together from {@code from} end: before the next due job, a merge, or at most {@value #EVENTS_TOGETHER}. */
    private static int batchEnd(List<CustomerEvent> ordered, int from, Instant nextDue) {
        int end = from + 1;
        while (end < ordered.size() && end - from < EVENTS_TOGETHER && !EventIntake.mayMerge(ordered.get(end))
                && (nextDue == null || ordered.get(end).occurredAt().isBefore(nextDue))) {
            end++;
        }
        return end;
    }

    /**
     * The common case in one transaction: the jobs due before the event at {@code from} (at most
     * {@value #EVENTS_TOGETHER}), then the events up to the next due job ({@link #batchEnd}), each with the clock at
     * its moment. Answers where those events end; null, with nothing kept, when a job failed, more were due, the
     * first event may merge customers, an event failed or a job fell due before the last event (then they go the
     * longer way, which tells failures apart).
     */
    private Integer jobsThenEventsTogether(List<CustomerEvent> ordered, int from, Supplier<JobQuery> jobs) {
        if (EventIntake.mayMerge(ordered.get(from))) {
            return null;
        }
        int[] end = {from};
        boolean kept = keptInOrder(jobs, () -> {
            Ran ran = runDueJobs(ordered.get(from).occurredAt(), jobs, EVENTS_TOGETHER, failed -> {
                throw failed;
            });
            if (!ran.done()) {
                return null;
            }
            end[0] = batchEnd(ordered, from, ran.nextDue());
            return takeInTogether(ordered.subList(from, end[0]));
        });
        return kept ? end[0] : null;
    }

    /** Takes the events in in one transaction, the clock at each one's moment, if no job falls due meanwhile. */
    private boolean tookInTogether(List<CustomerEvent> batch, Supplier<JobQuery> jobs) {
        return keptInOrder(jobs, () -> takeInTogether(batch));
    }

    /** The events through the intake's batch path, the clock at each one's moment: the last one's moment, null when that failed. */
    private Instant takeInTogether(List<CustomerEvent> batch) {
        return intake.acceptTogether(batch, event -> ClockUtil.setCurrentTime(Date.from(event.occurredAt()))).isPresent()
                ? batch.get(batch.size() - 1).occurredAt() : null;
    }

    /**
     * Runs the jobs due up to {@code until} as {@link #runJobsUntil} does, {@value #EVENTS_TOGETHER} at a time in one
     * transaction; when one of them fails, that transaction is taken back and they run one at a time (each failure
     * retried and reported as the engine would).
     */
    private Instant runJobsTogetherUntil(Instant until, Supplier<JobQuery> jobs, List<String> failures) {
        for (int group = 0; group < MAX_JOBS_BETWEEN_EVENTS / EVENTS_TOGETHER; group++) {
            Date before = ClockUtil.getCurrentTime();
            Ran ran = transaction.execute(status -> {
                try {
                    return runDueJobs(until, jobs, EVENTS_TOGETHER, failed -> {
                        throw failed;
                    });
                } catch (RuntimeException failed) {
                    status.setRollbackOnly();
                    return null;
                }
            });
            if (ran == null) {
                ClockUtil.setCurrentTime(before);
                break;
            }
            if (ran.done()) {
                return ran.nextDue();
            }
        }
        return runJobsUntil(until, jobs, failures);
    }

    /**
     * Does {@code work} in one transaction and keeps it when it succeeded (answered the moment of the last event it
     * took in) and no job of the journey falls due before that moment (one the work made, one without a due date):
     * then it is what one event at a time would have done. Else takes it back and puts the clock back.
     */
    private boolean keptInOrder(Supplier<JobQuery> jobs, Supplier<Instant> work) {
        Date before = ClockUtil.getCurrentTime();
        boolean kept = Boolean.TRUE.equals(transaction.execute(status -> {
            boolean inOrder;
            try {
                Instant last = work.get();
                inOrder = last != null
                        && nextJob(jobs).map(job -> job.getDuedate() != null && job.getDuedate().toInstant().isAfter(last)).orElse(true);
            } catch (RuntimeException failed) { // it fails again the longer way, and is retried or reported there
                inOrder = false;
            }
            if (!inOrder) {
                status.setRollbackOnly();
            }
            return inOrder;
        }));
        if (!kept) {
            ClockUtil.setCurrentTime(before);
        }
        return kept;
    }

    /**
     * Executes the jobs {@code jobs} finds in the order they fall due (a job without a due date is due now), moving
     * the engine clock to each due moment, up to {@code until}; then leaves the clock there, as the job executor
     * would have run them. A job that throws is retried as the engine would (its retry cycle), and its failure is
     * added to {@code failures}. Answers when the next job falls due (null: no job is waiting). A job without a due
     * date comes first where the database sorts nulls first (H2: the sandbox's and the tests' database).
     */
    public Instant runJobsUntil(Instant until, Supplier<JobQuery> jobs, List<String> failures) {
        Ran ran = runDueJobs(until, jobs, MAX_JOBS_BETWEEN_EVENTS,
                failed -> failures.add("a step failed at " + ClockUtil.getCurrentTime().toInstant() + ": " + failed.getMessage()));
        if (!ran.done()) {
            throw new IllegalStateException("more than " + MAX_JOBS_BETWEEN_EVENTS + " jobs ran between two events: does the journey loop?");
        }
        return ran.nextDue();
    }

    /** How far {@link #runDueJobs} came: done (no job due up to the moment asked), and when the next job falls due. */
    private record Ran(boolean done, Instant nextDue) {
    }

    /** Executes at most {@code atMost} due jobs, the next due first each time, the clock moved to each one's due moment. */
    private Ran runDueJobs(Instant until, Supplier<JobQuery> jobs, int atMost, Consumer<RuntimeException> failed) {
        for (int executed = 0; executed < atMost; executed++) {
            Instant now = ClockUtil.getCurrentTime().toInstant();
            Job next = nextJob(jobs).orElse(null);
            Instant due = next == null ? null : next.getDuedate() == null ? now : next.getDuedate().toInstant();
            if (due == null || due.isAfter(until)) {
                if (until.isAfter(now)) {
                    ClockUtil.setCurrentTime(Date.from(until));
                }
                return new Ran(true, due);
            }
            if (due.isAfter(now)) {
                ClockUtil.setCurrentTime(Date.from(due));
            }
            try {
                management.executeJob(next.getId());
            } catch (RuntimeException e) {
                failed.accept(e);
            }
        }
        return new Ran(false, null);
    }

    private static java.util.Optional<Job> nextJob(Supplier<JobQuery> jobs) {
        return jobs.get().withRetriesLeft().active().orderByJobDuedate().asc().listPage(0, 1).stream().findFirst();
    }

    /** What the runs of one journey version did: counts, messages, held-back sends, hourly volume. */
    public Report report(String processDefinitionId, long eventsReplayed, List<String> failures) {
        List<HistoricProcessInstance> runs = history.createHistoricProcessInstanceQuery().processDefinitionId(processDefinitionId)
                .orderByProcessInstanceStartTime().asc().list();
        Map<String, Long> steps = new TreeMap<>();
        Map<String, Long> ends = new TreeMap<>();
        for (HistoricActivityInstance activity : history.createHistoricActivityInstanceQuery().processDefinitionId(processDefinitionId).list()) {
            steps.merge(activity.getActivityId(), 1L, Long::sum);
            if (activity.getActivityType().endsWith("EndEvent") && activity.getEndTime() != null) {
                ends.merge(activity.getActivityId(), 1L, Long::sum);
            }
        }
        Map<String, ZoneId> zones = new LinkedHashMap<>();
        List<Message> messages = new ArrayList<>();
        List<Message> suppressed = new ArrayList<>();
        List<HeldBack> heldBack = new ArrayList<>();
        for (HistoricProcessInstance run : runs) {
            String customer = run.getBusinessKey();
            ZoneId zone = zones.computeIfAbsent(customer, this::zoneOf);
            for (DeliveryReports.RunMessage sent : deliveries.ofJourneyRun(run.getId())) {
                DeliveryLog.Entry entry = sent.entry();
                Message message = new Message(customer, entry.idempotencyKey().substring(entry.idempotencyKey().indexOf(':') + 1),
                        entry.channel(), entry.template(), entry.status().name(), entry.createdAt(),
                        LocalDateTime.ofInstant(entry.createdAt(), zone), entry.subject(), content(sent.content()), entry.reason());
                (WENT_OUT.contains(entry.status()) ? messages : suppressed).add(message);
            }
            for (DecisionLog.Entry decision : decisions.forJourneyRun(run.getId())) {
                boolean deferred = decision.eligible() && decision.sendAt() != null && decision.sendAt().isAfter(decision.decidedAt());
                if (DecisionRequest.SEND_MESSAGE.equals(decision.decisionName()) && (deferred || !decision.eligible())) {
                    heldBack.add(new HeldBack(customer, decision.step(), decision.decidedAt(), decision.sendAt(), decision.eligible(), decision.reasons()));
                }
            }
        }
        long[] hourly = new long[24];
        messages.forEach(message -> hourly[message.localTime().getHour()]++);
        String key = runs.isEmpty() ? null : runs.get(0).getProcessDefinitionKey();
        Integer version = runs.isEmpty() ? null : runs.get(0).getProcessDefinitionVersion();
        return new Report(key, version == null ? 0 : version, eventsReplayed, runs.size(), steps, ends,
                records.goalsOf(runs.stream().map(HistoricProcessInstance::getId).toList()).size(),
                Report.sorted(messages.stream(), Report.SENT), Report.sorted(suppressed.stream(), Report.SENT),
                Report.sorted(heldBack.stream(), Report.DECIDED), java.util.Arrays.stream(hourly).boxed().toList(), failures.stream().limit(20).toList());
    }

    /** The end event a run ended at (for a goal: the end event inside its event sub-process). */
    String endEvent(HistoricProcessInstance run) {
        return history.createHistoricActivityInstanceQuery().processInstanceId(run.getId()).finished()
                .orderByHistoricActivityInstanceEndTime().desc().list().stream()
                .filter(activity -> activity.getActivityType().endsWith("EndEvent")).findFirst()
                .map(HistoricActivityInstance::getActivityId).orElse(run.getEndActivityId());
    }

    private ZoneId zoneOf(String customerId) {
        try {
            return profiles.find(customerId).map(CustomerProfile::timeZone).filter(zone -> zone != null && !zone.isBlank())
                    .map(ZoneId::of).orElse(ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return ZoneOffset.UTC;
        }
    }

    /** A rendered message as one text: subject, preheader, title, text and body (HTML only when there is no text). */
    static String content(RenderedMessage rendered) {
        if (rendered == null) {
            return null;
        }
        return Stream.of(rendered.subject(), rendered.preheader(), rendered.title(), rendered.text() != null ? rendered.text() : rendered.html(), rendered.body())
                .filter(part -> part != null && !part.isBlank()).collect(Collectors.joining("\n"));
    }
}
