package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The way from the old Goal shape (an end event without incoming flow, reached by process instance modification)
 * to the goal as an interrupting event sub-process: a run of the old shape still reaches its goal; a customer
 * waiting in the old shape is migrated with the migration API and then reaches the new goal mid-wait. A copy of
 * the welcome series under its own key and start event, so the shipped journey is left alone.
 */
class GoalMigrationIT extends JourneyIT {

    private static final String KEY = "welcomeGoalMigration";

    @Autowired
    RuntimeService runtime;
    @Autowired
    RepositoryService repository;
    @Autowired
    HistoryService history;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aCustomerWaitingInTheOldShapeIsMigratedAndReachesTheNewGoalMidWait() throws IOException {
        deploy(oldShape());
        String before = customer();
        String waiting = customer();
        event("it_goal_migration_signed_up", before);
        event("it_goal_migration_signed_up", waiting);
        ProcessInstance oldRun = waitingAtTheTimer(before);
        ProcessInstance migrated = waitingAtTheTimer(waiting);

        event("order_placed", before, "{\"orderId\": \"o-old\"}");
        assertThat(runtime.createProcessInstanceQuery().processInstanceId(oldRun.getId()).count()).as("the old shape still reaches its goal").isZero();
        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(oldRun.getId()).activityId("End_FirstPurchase").count()).isOne();

        deploy(Files.readString(Path.of("../workflows/welcome-series.bpmn"), StandardCharsets.UTF_8));
        var applied = post("/api/journeys/" + KEY + "/migrations", "{\"fromVersion\": 1, \"toVersion\": 2, \"apply\": true}");
        assertThat(applied.statusCode()).isEqualTo(200);
        assertThat(applied.body()).contains("\"migrated\":1").contains("\"failures\":[]");
        assertThat(repository.getProcessDefinition(runtime.createProcessInstanceQuery().processInstanceId(migrated.getId()).singleResult()
                .getProcessDefinitionId()).getVersion()).isEqualTo(2);
        assertThat(runtime.createExecutionQuery().processInstanceId(migrated.getId()).activityId("Timer_WaitTwoDays").count()).isOne();

        event("order_placed", waiting, "{\"orderId\": \"o-new\"}");

        assertThat(runtime.createProcessInstanceQuery().processInstanceId(migrated.getId()).count()).isZero();
        assertThat(history.createHistoricActivityInstanceQuery().processInstanceId(migrated.getId()).activityId("Start_FirstPurchase").count()).isOne();
        assertThat(jdbc.queryForList("select goal_activity_id from journey_goal where process_instance_id = ?", String.class, migrated.getId()))
                .containsExactly("End_FirstPurchase");
        assertThat(management.createJobQuery().processInstanceId(migrated.getId()).count()).as("no timer is left").isZero();
    }

    private ProcessInstance waitingAtTheTimer(String customer) {
        ProcessInstance run = runtime.createProcessInstanceQuery().processDefinitionKey(KEY).processInstanceBusinessKey(customer).singleResult();
        management.createJobQuery().processInstanceId(run.getId()).list().stream()
                .filter(job -> job.getDuedate() == null || !job.getDuedate().toInstant().isAfter(Instant.now()))
                .forEach(job -> management.executeJob(job.getId()));
        assertThat(runtime.createExecutionQuery().processInstanceId(run.getId()).activityId("Timer_WaitTwoDays").count()).isOne();
        return run;
    }

    private void deploy(String welcomeSeries) {
        String copy = welcomeSeries.replace("id=\"welcomeSeries\"", "id=\"" + KEY + "\"").replace("bpmnElement=\"welcomeSeries\"", "bpmnElement=\"" + KEY + "\"")
                .replace("name=\"customer_signed_up\"", "name=\"it_goal_migration_signed_up\"");
        repository.createDeployment().name(KEY).addString("welcome-goal-migration.bpmn", copy).deploy();
    }

    private static String oldShape() throws IOException {
        try (InputStream old = GoalMigrationIT.class.getResourceAsStream("/journeys/welcome-series-old-goal.bpmn")) {
            return new String(old.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
