package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.touchpoint.EngineIT;

/**
 * {@code POST /api/journeys/test} in the whole application: a draft abandoned-cart journey whose wait is two hours
 * is played in a sandbox process against a scenario file with one scenario that expects the new timing (passes) and
 * one that expects the old one (fails with its difference), while this engine deploys nothing, starts nothing,
 * sends nothing and keeps its clock; a draft a deployment would refuse is answered 400 naming the element, without
 * a sandbox.
 */
class DraftJourneyTestIT extends EngineIT {

    private static final String TWO_HOURS = "PT2H";
    private final ObjectMapper json = new ObjectMapper();

    @Autowired
    RepositoryService repository;
    @Autowired
    RuntimeService runtime;

    @Test
    void aDraftIsPlayedInASandboxAndAnswersWhichScenariosPassAndTheDifferencesOfTheOthers() throws IOException {
        long definitions = repository.createProcessDefinitionQuery().count();
        long runs = runtime.createProcessInstanceQuery().count();
        String scenarios = """
                journey: abandonedCart
                scenarios:
                  - name: the reminder comes two hours after the cart was left
                    customer: {timeZone: Europe/Berlin, traits: {firstName: Ada}}
                    events:
                      - at: day 0 10:00
                        type: cart_abandoned
                        properties: {cartId: k-1, total: 129.00, items: [{sku: D-1, name: Linen dress, quantity: 1, price: 129.00}]}
                    expect:
                      messages:
                        - {at: day 0 12:00, channel: email, template: abandoned-cart-reminder, contains: "10% off your order with code COMEBACK10"}
                      end: End_ReminderSent
                  - name: expects the old one-hour reminder
                    customer: {timeZone: Europe/Berlin}
                    events:
                      - at: day 0 10:00
                        type: cart_abandoned
                        properties: {cartId: k-2, total: 40.00, items: [{sku: S-1, name: Socks, quantity: 2, price: 20.00}]}
                    expect:
                      messages:
                        - {at: day 0 11:00, channel: email, template: abandoned-cart-reminder}
                      end: End_ReminderSent
                """;

        HttpResponse<String> answer = postFiles("/api/journeys/test", "marketer", "marketer",
                Map.of("bpmn", AbandonedCartJourneyIT.abandonedCartWaiting(TWO_HOURS), "scenario", scenarios));

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode result = json.readTree(answer.body());
        assertThat(result.get("journey").asText()).isEqualTo("abandonedCart");
        assertThat(result.get("passed").asBoolean()).isFalse();
        assertThat(result.get("scenarios").get(0).get("passed").asBoolean()).as(answer.body()).isTrue();
        assertThat(result.get("scenarios").get(1).get("passed").asBoolean()).isFalse();
        assertThat(result.get("scenarios").get(1).get("differences").get(0).asText()).isEqualTo(
                "message 1: expected day 0 11:00 email abandoned-cart-reminder, but sent day 0 12:00 email abandoned-cart-reminder"
                        + " (Send_ReminderEmail) with at day 0 12:00");
        assertThat(repository.createProcessDefinitionQuery().count()).as("nothing deployed here").isEqualTo(definitions);
        assertThat(runtime.createProcessInstanceQuery().count()).as("nothing started here").isEqualTo(runs);
        assertThat(SMTP.getReceivedMessages()).as("nothing sent").isEmpty();
        assertThat(Duration.between(ClockUtil.getCurrentTime().toInstant(), Instant.now()).abs()).as("this engine's clock").isLessThan(Duration.ofMinutes(1));
    }

    @Test
    void aDraftADeploymentWouldRefuseIsAnswered400NamingTheElement() {
        String hostile = """
                <?xml version="1.0" encoding="UTF-8"?>
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" targetNamespace="t">
                  <bpmn:process id="abandonedCart" isExecutable="true" camunda:historyTimeToLive="30">
                    <bpmn:startEvent id="Start" />
                    <bpmn:serviceTask id="Task_Dump" camunda:expression="${jdbcTemplate.queryForList(&quot;select 1&quot;)}" />
                    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Dump" />
                  </bpmn:process>
                </bpmn:definitions>""";

        HttpResponse<String> refused = post("/api/journeys/test", "marketer", "marketer", Map.of("bpmn", hostile,
                "scenario", "journey: abandonedCart\nscenarios: []\n"));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("Not allowed in a journey, 'Task_Dump'").contains("jdbcTemplate.queryForList()");
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey("abandonedCart").list())
                .noneMatch(definition -> definition.getResourceName().equals("draft.bpmn"));
    }

    @Test
    void aScenarioForAnotherJourneyIsAnswered400() throws IOException {
        HttpResponse<String> refused = post("/api/journeys/test", "marketer", "marketer", Map.of("bpmn", AbandonedCartJourneyIT.abandonedCartWaiting(TWO_HOURS),
                "scenario", "journey: winBack\nscenarios: [{name: x, events: [{at: day 0 10:00, type: order_placed}], expect: {end: End}}]\n"));

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("scenario: journey 'winBack' but the BPMN's process is 'abandonedCart'");
    }

    /** JSON as the given user. */
    HttpResponse<String> post(String path, String user, String password, Map<String, String> body) {
        try {
            return send(request(path).header("Authorization", basic(user, password)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Multipart form data, one file part per entry, as the given user (curl -F name=@file). */
    HttpResponse<String> postFiles(String path, String user, String password, Map<String, String> files) {
        String boundary = "----touchpoint" + UUID.randomUUID();
        StringBuilder body = new StringBuilder();
        for (var file : List.copyOf(files.entrySet())) {
            String fileName = file.getKey().equals("bpmn") ? "abandoned-cart.bpmn" : "scenario.yaml";
            body.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(file.getKey())
                    .append("\"; filename=\"").append(fileName).append("\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .append(file.getValue()).append("\r\n");
        }
        body.append("--").append(boundary).append("--\r\n");
        return send(request(path).header("Authorization", basic(user, password)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8)).build());
    }
}
