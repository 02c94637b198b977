package io.touchpoint.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import io.touchpoint.EngineIT;
import io.touchpoint.channels.DeliveryLog;
import io.touchpoint.channels.EngagementLinks;
import io.touchpoint.decisions.DecisionLog;
import io.touchpoint.journeys.AbandonedCartJourneyIT;

/**
 * The console's drill-down, decisions, figures over time and incidents at scale over HTTP, on the real engine
 * (H2): every figure an endpoint answers is checked against the engine's runtime and history services and our
 * tables, asked directly.
 */
class ConsoleDrillDownIT extends EngineIT {

    private static final String CART = "abandonedCart";

    @Autowired
    RuntimeService runtime;
    @Autowired
    HistoryService history;
    @Autowired
    RepositoryService repository;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    DecisionLog decisionLog;
    @Autowired
    DeliveryLog deliveries;
    @Autowired
    EngagementLinks links;
    @Autowired
    JavaMailSenderImpl mailSender;

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aFinishedRunShowsItsStepsDecisionWithOfferAndReasonsAndItsMessageWithContentAndOpen() throws Exception {
        String customer = AbandonedCartJourneyIT.newCustomer();
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(customer, "rita@example.com", 129.0));
        String run = runOf(customer);
        runAllJobs(run);
        assertThat(runtime.createProcessInstanceQuery().processInstanceId(run).count()).as("the journey has ended").isZero();
        String messageId = deliveries.find(run + ":Send_ReminderEmail").orElseThrow().messageId();
        String pixel = links.openPixelUrl(messageId);
        assertThat(send(request(pixel.substring(pixel.indexOf("/m/"))).GET().build()).statusCode()).isEqualTo(200);

        JsonNode detail = json.readTree(get("/api/console/runs/" + run).body());

        assertThat(detail.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(detail.path("customerId").asText()).isEqualTo(customer);
        assertThat(detail.path("endedAt").isNull()).isFalse();
        assertThat(detail.path("steps").findValuesAsText("stepId"))
                .containsSubsequence("Start_CartAbandoned", "Timer_WaitBeforeReminder", "Decide_Offer", "Send_ReminderEmail", "End_ReminderSent");
        assertThat(detail.path("steps").findValuesAsText("state")).containsOnly("COMPLETED");
        assertThat(detail.path("variables")).as("history level activity keeps no variables of a finished run").isEmpty();
        JsonNode decision = detail.path("decisions").get(0);
        DecisionLog.Entry logged = decisionLog.forJourneyRun(run).get(0);
        assertThat(detail.path("decisions")).hasSize(decisionLog.forJourneyRun(run).size());
        assertThat(decision.path("id").asLong()).isEqualTo(logged.id());
        assertThat(decision.path("decisionName").asText()).isEqualTo("abandoned-cart-offer");
        assertThat(decision.path("offerCode").asText()).isEqualTo(logged.offerCode()).isNotBlank();
        assertThat(Instant.parse(decision.path("sendAt").asText())).isEqualTo(logged.sendAt());
        assertThat(decision.path("channel").asText()).isEqualTo("email");
        assertThat(decision.path("step").asText()).isEqualTo("Decide_Offer");
        assertThat(json.convertValue(decision.path("reasons"), List.class)).isEqualTo(logged.reasons()).isNotEmpty();
        assertThat(json.convertValue(decision.path("firedRules"), List.class)).isEqualTo(logged.firedRules()).isNotEmpty();
        assertThat(decision.path("facts").size()).isEqualTo(logged.inputs().size()).isPositive();
        JsonNode message = detail.path("messages").get(0);
        assertThat(message.path("status").asText()).isEqualTo("SENT");
        assertThat(message.path("stepId").asText()).isEqualTo("Send_ReminderEmail");
        assertThat(message.path("recipient").asText()).isEqualTo("rita@example.com");
        assertThat(message.path("content").path("subject").asText()).isEqualTo("You left something in your cart");
        assertThat(message.path("content").path("html").asText() + message.path("content").path("text").asText())
                .contains("Linen dress x 1 at 129.00").contains("COMEBACK10");
        assertThat(message.path("openedAt").isNull()).as("the open pixel was fetched").isFalse();

        JsonNode page = json.readTree(get("/api/console/customers/" + customer).body());
        assertThat(page.path("runs").findValuesAsText("runId")).containsExactly(run);
        List<Long> ids = new ArrayList<>();
        page.path("decisions").forEach(d -> ids.add(d.path("id").asLong()));
        assertThat(ids).as("every decision of the log, newest first")
                .containsExactlyElementsOf(decisionLog.forCustomer(customer, 50).stream().map(DecisionLog.Entry::id).toList());
        List<String> decisionLines = new ArrayList<>();
        page.path("timeline").forEach(line -> {
            if (line.path("kind").asText().equals("decision")) {
                decisionLines.add(line.path("title").asText() + " | " + line.path("detail").asText());
            }
        });
        assertThat(decisionLines).as("the decisions of a finished journey, from the decision log").hasSize(page.path("decisions").size())
                .anySatisfy(line -> assertThat(line).contains("abandonedCart", logged.offerCode(), "by email", "Send at " + logged.sendAt(),
                        logged.reasons().get(0)));
        JsonNode decisions = json.readTree(get("/api/console/customers/" + customer + "/decisions?limit=1").body());
        assertThat(decisions.path("total").asLong()).isEqualTo(decisionLog.countForCustomer(customer)).isGreaterThanOrEqualTo(1);
        assertThat(decisions.path("items")).hasSize(1);
        assertThat(get("/api/console/runs/no-such-run").statusCode()).isEqualTo(404);
    }

    @Test
    void conversionsAreTheGoalsTheEngineRecordedAndEveryJourneyFigureMatchesTheEngine() throws Exception {
        String buyer = AbandonedCartJourneyIT.newCustomer();
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(buyer, "bo@example.com", 60.0));
        post("/api/events", "{\"type\": \"order_placed\", \"customerId\": \"" + buyer + "\"}");
        String waiting = AbandonedCartJourneyIT.newCustomer();
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(waiting, "cy@example.com", 60.0));
        String buyerRun = history.createHistoricProcessInstanceQuery().processDefinitionKey(CART).processInstanceBusinessKey(buyer).singleResult().getId();

        JsonNode journey = json.readTree(get("/api/console/journeys/" + CART).body());

        long goals = count("select count(*) from journey_goal where journey_key = ?", CART);
        long entered = history.createHistoricProcessInstanceQuery().processDefinitionKey(CART).count();
        long finished = history.createHistoricProcessInstanceQuery().processDefinitionKey(CART).finished().count();
        assertThat(goals).as("the order reached the goal").isPositive();
        assertThat(journey.path("converted").asLong()).isEqualTo(goals);
        assertThat(journey.path("entered").asLong()).isEqualTo(entered);
        assertThat(journey.path("active").asLong()).isEqualTo(runtime.createProcessInstanceQuery().processDefinitionKey(CART).count());
        assertThat(journey.path("exited").asLong()).isEqualTo(exits(CART, new Date(0))).isLessThanOrEqualTo(finished);
        assertThat(journey.path("conversionRate").asDouble()).isEqualTo((double) goals / entered);
        List<ProcessDefinition> versions = repository.createProcessDefinitionQuery().processDefinitionKey(CART).list();
        journey.path("steps").forEach(step -> {
            String id = step.path("id").asText();
            long completed = 0;
            long cancelled = 0;
            for (ProcessDefinition version : versions) {
                completed += history.createHistoricActivityInstanceQuery().processDefinitionId(version.getId()).activityId(id).finished().count()
                        - history.createHistoricActivityInstanceQuery().processDefinitionId(version.getId()).activityId(id).canceled().count();
                cancelled += history.createHistoricActivityInstanceQuery().processDefinitionId(version.getId()).activityId(id).canceled().count();
            }
            long pulledOutByGoal = jdbc.queryForList("select process_instance_id from journey_goal where journey_key = ?", String.class, CART)
                    .stream().mapToLong(run -> history.createHistoricActivityInstanceQuery().processInstanceId(run).activityId(id).canceled().count())
                    .sum();
            assertThat(step.path("waiting").asLong()).as(id + " waiting")
                    .isEqualTo(runtime.createProcessInstanceQuery().processDefinitionKey(CART).activityIdIn(id).count());
            assertThat(step.path("passed").asLong()).as(id + " passed").isEqualTo(completed);
            assertThat(step.path("converted").asLong()).as(id + " converted").isEqualTo(pulledOutByGoal);
            assertThat(step.path("cancelled").asLong()).as(id + " cancelled").isEqualTo(cancelled - pulledOutByGoal);
            assertThat(step.path("incidents").asLong()).as(id + " incidents")
                    .isEqualTo(runtime.createIncidentQuery().processDefinitionKeyIn(CART).activityId(id).count());
        });
        assertThat(journey.path("steps").path("End_Converted").path("goal").asBoolean()).isTrue();
        assertThat(journey.path("steps").path("End_Converted").path("passed").asLong()).isEqualTo(goals);
        assertThat(journey.path("steps").path("Timer_WaitBeforeReminder").path("converted").asLong())
                .as("the buyer was pulled out at the wait: a conversion, not a pass").isPositive();
        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(buyerRun).activityId("Timer_WaitBeforeReminder").canceled().count())
                .isOne();
        JsonNode funnel = journey.path("funnel");
        assertThat(funnel.get(funnel.size() - 1).path("id").asText()).as("the goal ends the funnel").isEqualTo("End_Converted");
        assertThat(funnel.findValuesAsText("id")).startsWith("Start_CartAbandoned", "Timer_WaitBeforeReminder");

        Instant today = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        for (JsonNode summary : json.readTree(get("/api/console/journeys").body())) {
            String key = summary.path("key").asText();
            long goalsToday = count("select count(*) from journey_goal where journey_key = ? and reached_at >= ?", key, Timestamp.from(today));
            assertThat(summary.path("convertedToday").asLong()).as(key).isEqualTo(goalsToday);
            assertThat(summary.path("exitedToday").asLong()).as(key).isEqualTo(exits(key, Date.from(today)));
            assertThat(summary.path("enteredToday").asLong()).as(key)
                    .isEqualTo(history.createHistoricProcessInstanceQuery().processDefinitionKey(key).startedAfter(Date.from(today)).count());
            assertThat(summary.path("active").asLong()).as(key).isEqualTo(runtime.createProcessInstanceQuery().processDefinitionKey(key).count());
            assertThat(summary.path("incidents").asLong()).as(key).isEqualTo(runtime.createIncidentQuery().processDefinitionKeyIn(key).count());
        }
        JsonNode buyerRunDetail = json.readTree(get("/api/console/runs/" + buyerRun).body());
        assertThat(buyerRunDetail.path("state").asText()).isEqualTo("CONVERTED");
        assertThat(buyerRunDetail.path("goal").path("stepId").asText()).isEqualTo("End_Converted");
        assertThat(buyerRunDetail.path("goal").path("eventType").asText()).isEqualTo("order_placed");
    }

    @Test
    void aStepListsItsWaitingRunsAPageAtATimeAndAnOperatorMovesOrCancelsARunWithTheReasonRecorded() throws Exception {
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String customer = AbandonedCartJourneyIT.newCustomer();
            post("/api/events", AbandonedCartJourneyIT.cartAbandoned(customer, "w" + i + "@example.com", 60.0));
            runs.add(runOf(customer));
        }
        long waitingNow = runtime.createProcessInstanceQuery().processDefinitionKey(CART).activityIdIn("Timer_WaitBeforeReminder").count();

        JsonNode first = json.readTree(get("/api/console/journeys/" + CART + "/steps/Timer_WaitBeforeReminder/runs?limit=2").body());
        assertThat(first.path("total").asLong()).isEqualTo(waitingNow);
        assertThat(first.path("items")).hasSize(2);
        List<String> listed = new ArrayList<>();
        for (int offset = 0; offset < waitingNow; offset += 2) {
            json.readTree(get("/api/console/journeys/" + CART + "/steps/Timer_WaitBeforeReminder/runs?limit=2&offset=" + offset).body())
                    .path("items").forEach(item -> listed.add(item.path("runId").asText()));
        }
        assertThat(listed).hasSize((int) waitingNow).doesNotHaveDuplicates().containsAll(runs);
        JsonNode item = json.readTree(get("/api/console/journeys/" + CART + "/steps/Timer_WaitBeforeReminder/runs?limit=500").body())
                .path("items").findParents("runId").stream().filter(n -> n.path("runId").asText().equals(runs.get(0))).findFirst().orElseThrow();
        Job timer = management.createJobQuery().processInstanceId(runs.get(0)).timers().singleResult();
        assertThat(Instant.parse(item.path("timerDueAt").asText())).isEqualTo(timer.getDuedate().toInstant());
        assertThat(problem(get("/api/console/journeys/" + CART + "/steps/Timer_WaitBeforeReminder/runs?limit=0"))).isEqualTo("limit");
        assertThat(get("/api/console/journeys/noSuchJourney/steps/x/runs").statusCode()).isEqualTo(404);

        JsonNode running = json.readTree(get("/api/console/runs/" + runs.get(0)).body());
        assertThat(running.path("state").asText()).isEqualTo("ACTIVE");
        assertThat(running.path("waitingAt").get(0).asText()).isEqualTo("Timer_WaitBeforeReminder");
        assertThat(running.path("timers").get(0).path("stepId").asText()).isEqualTo("Timer_WaitBeforeReminder");
        assertThat(Instant.parse(running.path("timers").get(0).path("dueAt").asText())).isEqualTo(timer.getDuedate().toInstant());
        List<String> variables = new ArrayList<>();
        running.path("variables").forEach(variable -> variables.add(variable.path("name").asText()));
        assertThat(variables).containsExactlyInAnyOrderElementsOf(runtime.getVariables(runs.get(0)).keySet()).isNotEmpty();

        String cancel = "/api/console/runs/" + runs.get(0) + "/cancel";
        assertThat(postAs("viewer", cancel, "{\"reason\": \"test\"}").statusCode()).isEqualTo(403);
        assertThat(problem(postAs("operator", cancel, "{}"))).isEqualTo("reason");
        assertThat(postAs("operator", cancel, "{\"reason\": \"asked to stop\"}").statusCode()).isEqualTo(200);
        HistoricProcessInstance cancelled = history.createHistoricProcessInstanceQuery().processInstanceId(runs.get(0)).singleResult();
        assertThat(cancelled.getEndTime()).isNotNull();
        assertThat(cancelled.getDeleteReason()).isEqualTo("cancelled by operator: asked to stop");
        JsonNode afterCancel = json.readTree(get("/api/console/runs/" + runs.get(0)).body());
        assertThat(afterCancel.path("state").asText()).isEqualTo("CANCELLED");
        assertThat(afterCancel.path("actions").get(0).path("action").asText()).isEqualTo("CANCEL");
        assertThat(afterCancel.path("actions").get(0).path("by").asText()).isEqualTo("operator");
        assertThat(afterCancel.path("actions").get(0).path("reason").asText()).isEqualTo("asked to stop");
        assertThat(afterCancel.path("actions").get(0).path("fromStep").asText()).isEqualTo("Timer_WaitBeforeReminder");
        assertThat(postAs("operator", cancel, "{\"reason\": \"again\"}").statusCode()).as("an ended run").isEqualTo(409);

        String move = "/api/console/runs/" + runs.get(1) + "/move";
        assertThat(problem(postAs("operator", move, "{\"toStep\": \"No_Such_Step\", \"reason\": \"x\"}"))).isEqualTo("toStep");
        assertThat(postAs("operator", move, "{\"toStep\": \"Decide_Offer\", \"reason\": \"skip the wait\"}").statusCode()).isEqualTo(200);
        assertThat(runtime.getActiveActivityIds(runs.get(1))).as("moved past the wait").doesNotContain("Timer_WaitBeforeReminder").isNotEmpty();
        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(runs.get(1)).activityId("Decide_Offer").finished().count()).isOne();
        JsonNode afterMove = json.readTree(get("/api/console/runs/" + runs.get(1)).body());
        assertThat(afterMove.path("state").asText()).isEqualTo("ACTIVE");
        assertThat(json.convertValue(afterMove.path("waitingAt"), List.class)).isEqualTo(runtime.getActiveActivityIds(runs.get(1)));
        assertThat(afterMove.path("actions").get(0).path("action").asText()).isEqualTo("MOVE");
        assertThat(afterMove.path("actions").get(0).path("toStep").asText()).isEqualTo("Decide_Offer");
        assertThat(afterMove.path("actions").get(0).path("reason").asText()).isEqualTo("skip the wait");
        assertThat(afterMove.path("steps").findParents("stepId").stream().filter(step -> step.path("stepId").asText().equals("Timer_WaitBeforeReminder"))
                .map(step -> step.path("state").asText())).containsExactly("CANCELLED");
        assertThat(afterMove.path("decisions")).as("the rules decided at the step it was moved to").hasSize(decisionLog.forJourneyRun(runs.get(1)).size())
                .isNotEmpty();
    }

    @Test
    void theCustomerListAndSearchFindPartsOfIdsNamesEmailsAndPhonesInAnyCase() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String customer = "c-" + suffix;
        post("/api/events", """
                {"type": "profile_updated", "customerId": "%s", "identities": {"email": "ada.%s@Example.com", "phone": "+49 151 %s"},
                 "properties": {"traits": {"firstName": "Ada", "lastName": "Lovelace%s"}}}"""
                .formatted(customer, suffix, suffix.replaceAll("\\D", "1"), suffix));

        for (String q : List.of("lovelace" + suffix, "LOVELACE" + suffix.toUpperCase(), "ADA." + suffix, customer.toUpperCase(), "ada lovelace" + suffix)) {
            JsonNode found = json.readTree(get("/api/console/customers?q=" + q.replace(" ", "%20")).body());
            assertThat(found.path("items").findValuesAsText("customerId")).as(q).containsExactly(customer);
            assertThat(found.path("items").get(0).path("name").asText()).isEqualTo("Ada Lovelace" + suffix);
        }
        String phoneDigits = suffix.replaceAll("\\D", "1");
        assertThat(json.readTree(get("/api/console/customers?q=151%20" + phoneDigits).body()).path("items").findValuesAsText("customerId"))
                .as("a phone number typed in groups").contains(customer);

        long all = count("select count(*) from customer_profile");
        JsonNode list = json.readTree(get("/api/console/customers?limit=2").body());
        assertThat(list.path("total").asLong()).isEqualTo(all);
        assertThat(list.path("items")).hasSize((int) Math.min(2, all));
        assertThat(json.readTree(get("/api/console/customers?limit=2&offset=2").body()).path("items").findValuesAsText("customerId"))
                .doesNotContainAnyElementsOf(list.path("items").findValuesAsText("customerId"));
        assertThat(problem(get("/api/console/customers?offset=-1"))).isEqualTo("offset");
        assertThat(problem(get("/api/console/customers?limit=x"))).isEqualTo("limit");
    }

    @Test
    void aJourneyAndItsMessagesPerDayMatchTheTablesAndTheEngine() throws Exception {
        String customer = AbandonedCartJourneyIT.newCustomer();
        post("/api/events", AbandonedCartJourneyIT.cartAbandoned(customer, "dora@example.com", 129.0));
        String run = runOf(customer);
        runAllJobs(run);
        String messageId = deliveries.find(run + ":Send_ReminderEmail").orElseThrow().messageId();
        String click = links.clickUrl(messageId, "https://shop.example.com/cart");
        send(request(click.substring(click.indexOf("/m/"))).GET().build());
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        Timestamp start = Timestamp.from(LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant());

        JsonNode report = json.readTree(get("/api/console/journeys/" + CART + "/over-time?from=" + LocalDate.parse(today).minusDays(6) + "&to=" + today).body());

        assertThat(report.path("days")).hasSize(7);
        JsonNode day = report.path("days").get(6);
        assertThat(day.path("day").asText()).isEqualTo(today);
        long goalsToday = count("select count(*) from journey_goal where journey_key = ? and reached_at >= ?", CART, start);
        assertThat(day.path("entries").asLong()).isEqualTo(count("select count(*) from journey_entry where journey_key = ? and entered_at >= ?", CART, start))
                .isPositive();
        assertThat(day.path("conversions").asLong()).isEqualTo(goalsToday);
        assertThat(day.path("exits").asLong()).isEqualTo(exits(CART, start));
        String ofJourney = " from delivery_log d where d.created_at >= ? and exists (select 1 from ACT_HI_PROCINST p"
                + " where p.PROC_DEF_KEY_ = ? and d.idempotency_key like p.PROC_INST_ID_ || ':%')";
        long delivered = count("select count(*)" + ofJourney + " and d.status = 'SENT'", start, CART);
        assertThat(day.path("delivered").asLong()).isEqualTo(delivered).isPositive();
        assertThat(day.path("sent").asLong()).isEqualTo(count("select count(*)" + ofJourney + " and d.status in ('SENT', 'FAILED', 'UNKNOWN')", start, CART));
        assertThat(day.path("clicked").asLong()).isEqualTo(count("select count(*)" + ofJourney + " and d.clicked_at is not null", start, CART)).isPositive();
        assertThat(day.path("clickRate").asDouble()).isEqualTo(Math.round(1000.0 * day.path("clicked").asLong() / delivered) / 1000.0);
        assertThat(report.path("totals").path("entries").asLong()).isEqualTo(sum(report.path("days"), "entries"));

        JsonNode messages = json.readTree(get("/api/console/messages/over-time?template=abandoned-cart-reminder&zone=Europe/Berlin").body());
        assertThat(messages.path("zone").asText()).isEqualTo("Europe/Berlin");
        assertThat(messages.path("days")).hasSize(OverTime.DEFAULT_DAYS);
        assertThat(messages.path("totals").path("delivered").asLong()).isEqualTo(sum(messages.path("days"), "delivered"));
        Instant berlinStart = LocalDate.now(java.time.ZoneId.of("Europe/Berlin")).minusDays(OverTime.DEFAULT_DAYS - 1)
                .atStartOfDay(java.time.ZoneId.of("Europe/Berlin")).toInstant();
        assertThat(messages.path("totals").path("delivered").asLong()).isEqualTo(count(
                "select count(*) from delivery_log where template = 'abandoned-cart-reminder' and status = 'SENT' and created_at >= ?", Timestamp.from(berlinStart)));
        assertThat(messages.path("byTemplate").findValuesAsText("template")).containsExactly("abandoned-cart-reminder");

        assertThat(problem(get("/api/console/messages/over-time?zone=Mars/Olympus"))).isEqualTo("zone");
        assertThat(problem(get("/api/console/messages/over-time?from=2025-01-01&to=2026-12-31"))).isEqualTo("to");
        assertThat(problem(get("/api/console/journeys/" + CART + "/over-time?from=2026-12-05&to=2026-12-01"))).isEqualTo("from");
        assertThat(problem(get("/api/console/journeys/" + CART + "/over-time?from=yesterday"))).isEqualTo("from");
    }

    @Test
    void incidentsGroupByCauseAndStepAndARetryOfAGroupReportsEachJobsOutcome() throws Exception {
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String customer = AbandonedCartJourneyIT.newCustomer();
            post("/api/events", AbandonedCartJourneyIT.cartAbandoned(customer, "inc" + i + "@example.com", 129.0));
            runs.add(runOf(customer));
        }
        runs.forEach(this::fireTimers);
        int smtpPort = mailSender.getPort();
        try {
            mailSender.setPort(closedPort());
            runs.forEach(this::failJobsUntilIncident);
        } finally {
            mailSender.setPort(smtpPort);
        }
        long open = runtime.createIncidentQuery().processDefinitionKeyIn(CART).activityId("Send_ReminderEmail").count();

        JsonNode byStep = json.readTree(get("/api/console/incidents/groups?by=step&journey=" + CART).body());
        JsonNode sendStep = byStep.findParents("step").stream().filter(g -> g.path("step").asText().equals("Send_ReminderEmail")).findFirst().orElseThrow();
        assertThat(sendStep.path("count").asLong()).isEqualTo(open).isGreaterThanOrEqualTo(2);
        JsonNode mine = json.readTree(get("/api/console/incidents?journey=" + CART + "&step=Send_ReminderEmail&limit=500").body());
        assertThat(mine.path("total").asLong()).isEqualTo(open);
        List<String> causes = mine.path("items").findParents("processInstanceId").stream()
                .filter(i -> runs.contains(i.path("processInstanceId").asText())).map(i -> i.path("cause").asText()).distinct().toList();
        assertThat(causes).as("the runs' ids are blanked out: one failure, one cause").hasSize(1);
        String cause = causes.get(0);
        assertThat(cause).doesNotContain(runs.get(0)).contains("…");
        JsonNode byCause = json.readTree(get("/api/console/incidents/groups?journey=" + CART + "&step=Send_ReminderEmail").body());
        JsonNode group = byCause.findParents("cause").stream().filter(g -> g.path("cause").asText().equals(cause)).findFirst().orElseThrow();
        JsonNode ofCause = json.readTree(get("/api/console/incidents?journey=" + CART + "&step=Send_ReminderEmail&limit=1&cause="
                + java.net.URLEncoder.encode(cause, java.nio.charset.StandardCharsets.UTF_8)).body());
        assertThat(group.path("count").asLong()).isEqualTo(ofCause.path("total").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(ofCause.path("items")).hasSize(1);
        assertThat(problem(get("/api/console/incidents/groups?by=colour"))).isEqualTo("by");

        assertThat(postAs("viewer", "/api/console/incidents/retry", "{\"filter\": {\"step\": \"Send_ReminderEmail\"}}").statusCode()).isEqualTo(403);
        assertThat(problem(postAs("operator", "/api/console/incidents/retry", "{}"))).isEqualTo("ids");
        HttpResponse<String> retried = postAs("operator", "/api/console/incidents/retry",
                "{\"filter\": {\"journey\": \"" + CART + "\", \"step\": \"Send_ReminderEmail\", \"cause\": \"" + cause + "\"}}");
        assertThat(retried.statusCode()).isEqualTo(200);
        JsonNode answer = json.readTree(retried.body());
        assertThat(answer.path("retried")).hasSize(group.path("count").asInt());
        String outcome = "/api/console/retries/" + answer.path("retryId").asText();
        assertThat(json.readTree(get(outcome).body()).path("counts").path("PENDING").asLong()).isEqualTo(group.path("count").asLong());

        Job succeeding = management.createJobQuery().processInstanceId(runs.get(0)).singleResult();
        management.executeJob(succeeding.getId()); // the mail server is back: the job executor's run of the retried job
        Job failing = management.createJobQuery().processInstanceId(runs.get(1)).singleResult();
        int brokenPort = closedPort();
        try {
            mailSender.setPort(brokenPort);
            try {
                management.executeJob(failing.getId());
            } catch (RuntimeException expected) {
                // fails again
            }
        } finally {
            mailSender.setPort(smtpPort);
        }

        JsonNode result = json.readTree(get(outcome).body());
        JsonNode first = result.path("jobs").findParents("runId").stream().filter(j -> j.path("runId").asText().equals(runs.get(0))).findFirst().orElseThrow();
        JsonNode second = result.path("jobs").findParents("runId").stream().filter(j -> j.path("runId").asText().equals(runs.get(1))).findFirst().orElseThrow();
        assertThat(first.path("outcome").asText()).isEqualTo("SUCCEEDED");
        assertThat(runtime.createProcessInstanceQuery().processInstanceId(runs.get(0)).count()).isZero();
        assertThat(second.path("outcome").asText()).isEqualTo("FAILED");
        String newReason = management.createJobQuery().jobId(failing.getId()).singleResult().getExceptionMessage();
        assertThat(second.path("reason").asText()).isEqualTo(newReason).contains(String.valueOf(brokenPort));
        assertThat(second.path("previousReason").asText()).isNotEqualTo(newReason);
        assertThat(result.path("counts").path("SUCCEEDED").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(result.path("counts").path("FAILED").asLong()).isGreaterThanOrEqualTo(1);

        JsonNode failed = json.readTree(get("/api/console/failed-messages").body());
        JsonNode row = failed.findParents("idempotencyKey").stream()
                .filter(m -> m.path("idempotencyKey").asText().equals(runs.get(1) + ":Send_ReminderEmail")).findFirst().orElseThrow();
        assertThat(row.path("currentReason").asText()).contains(String.valueOf(brokenPort));
        assertThat(failed.findValuesAsText("idempotencyKey")).doesNotContain(runs.get(0) + ":Send_ReminderEmail");
        assertThat(get("/api/console/retries/no-such-retry").statusCode()).isEqualTo(404);
    }

    private String runOf(String customer) {
        return runtime.createProcessInstanceQuery().processDefinitionKey(CART).processInstanceBusinessKey(customer).singleResult().getId();
    }

    /** Runs the run's jobs, each failing, until the engine has used up the retries and raised an incident. */
    private void failJobsUntilIncident(String run) {
        for (int attempt = 0; attempt < 10 && runtime.createIncidentQuery().processInstanceId(run).count() == 0; attempt++) {
            management.createJobQuery().processInstanceId(run).withRetriesLeft().list().forEach(job -> {
                try {
                    management.executeJob(job.getId());
                } catch (RuntimeException expected) {
                    // the mail server is unreachable: the engine counts the failure down
                }
            });
        }
        assertThat(runtime.createIncidentQuery().processInstanceId(run).count()).as("an incident after the last retry").isOne();
    }

    /** Runs of the journey the engine's history says ended since a moment, without a goal in journey_goal. */
    private long exits(String journeyKey, Date since) {
        java.util.Set<String> converted = new java.util.HashSet<>(jdbc.queryForList("select process_instance_id from journey_goal", String.class));
        return history.createHistoricProcessInstanceQuery().processDefinitionKey(journeyKey).finishedAfter(since).list().stream()
                .filter(run -> !converted.contains(run.getId())).count();
    }

    private long count(String sql, Object... args) {
        Long count = jdbc.queryForObject(sql, Long.class, args);
        return count == null ? 0 : count;
    }

    private static long sum(JsonNode days, String field) {
        long sum = 0;
        for (JsonNode day : days) {
            sum += day.path(field).asLong();
        }
        return sum;
    }

    /** The field a 400 problem names. */
    private String problem(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        return json.readTree(response.body()).path("field").asText();
    }

    private HttpResponse<String> postAs(String user, String path, String body) {
        return send(request(path).header("Authorization", basic(user, user)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
