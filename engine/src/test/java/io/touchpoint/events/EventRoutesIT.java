package io.touchpoint.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.touchpoint.EngineIT;
import io.touchpoint.profiles.ProfileService;

/**
 * Every way in besides REST, against the real local RabbitMQ and Mosquitto and a real drop folder, with queue,
 * topic and folder names of this run only (removed afterwards); plus REST back-pressure. Kafka has no broker here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class EventRoutesIT extends EngineIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String QUEUE = "touchpoint.it." + RUN;
    static final String DEAD_LETTERS = QUEUE + ".dead";
    static final String TOPIC = "touchpoint-it/" + RUN + "/events";
    static final Path INBOX = temporaryFolder();
    static final Duration PATIENCE = Duration.ofSeconds(30);

    @Autowired
    RabbitTemplate rabbit;
    @Autowired
    AmqpAdmin rabbitAdmin;
    @Autowired
    CamelContext camel;
    @Autowired
    ProfileService profiles;
    @Autowired
    IntakeGate gate;
    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void routesOfThisRun(DynamicPropertyRegistry registry) {
        // a context of its own: its engine must not take the name "default", which /engine-rest of the shared context resolves
        registry.add("camunda.bpm.process-engine-name", () -> "routes_" + RUN);
        registry.add("touchpoint.events.rabbitmq.enabled", () -> "true");
        registry.add("touchpoint.events.rabbitmq.queue", () -> QUEUE);
        registry.add("touchpoint.events.rabbitmq.dead-letter-queue", () -> DEAD_LETTERS);
        registry.add("touchpoint.events.broker-retries", () -> "0");
        registry.add("touchpoint.events.mqtt.enabled", () -> "true");
        registry.add("touchpoint.events.mqtt.topic", () -> TOPIC);
        registry.add("touchpoint.events.mqtt.client-id", () -> "touchpoint-it-" + RUN);
        registry.add("touchpoint.events.mqtt.session-expiry-seconds", () -> "0");
        registry.add("touchpoint.events.file.enabled", () -> "true");
        registry.add("touchpoint.events.file.folder", INBOX::toString);
        registry.add("touchpoint.events.max-in-flight", () -> "2");
    }

    @AfterAll
    void removeQueuesTopicAndFolder() throws Exception {
        camel.getRouteController().stopRoute("events-rabbitmq");
        camel.getRouteController().stopRoute("events-mqtt");
        camel.getRouteController().stopRoute("events-file");
        rabbitAdmin.deleteQueue(QUEUE);
        rabbitAdmin.deleteQueue(DEAD_LETTERS);
        try (Stream<Path> files = Files.walk(INBOX)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void aRabbitMqEventIsTakenInAndAcknowledged() {
        rabbit.convertAndSend("", QUEUE, """
                {"eventId": "rmq-1-%s", "type": "signed_up", "customerId": "c-rmq-1", "properties": {"traits": {"plan": "gold"}}}""".formatted(RUN));

        await().atMost(PATIENCE).until(() -> profiles.find("c-rmq-1").isPresent());
        assertThat(profiles.find("c-rmq-1").orElseThrow().attributes()).containsEntry("plan", "gold");
        await().atMost(PATIENCE).until(() -> rabbitAdmin.getQueueInfo(QUEUE).getMessageCount() == 0);
    }

    @Test
    void aMessageThatIsNotJsonGoesToTheDeadLetterQueueWithTheReasonAndTheConsumerGoesOn() {
        rabbit.convertAndSend("", QUEUE, "this is not json");
        rabbit.convertAndSend("", QUEUE, """
                {"eventId": "rmq-2-%s", "type": "signed_up", "customerId": "c-rmq-2"}""".formatted(RUN));

        Message parked = rabbit.receive(DEAD_LETTERS, PATIENCE.toMillis());
        assertThat(parked).isNotNull();
        assertThat(new String(parked.getBody(), StandardCharsets.UTF_8)).isEqualTo("this is not json");
        assertThat(parked.getMessageProperties().<String>getHeader("x-touchpoint-error")).contains("malformed JSON");
        await().atMost(PATIENCE).until(() -> profiles.find("c-rmq-2").isPresent());
    }

    @Test
    void anEventOfATypeWhosePropertiesBreakTheirSchemaIsDeadLetteredNamingTheField() {
        rabbit.convertAndSend("", QUEUE, """
                {"type": "cart_abandoned", "customerId": "c-rmq-3", "properties": {"total": -5}}""");

        Message parked = rabbit.receive(DEAD_LETTERS, PATIENCE.toMillis());
        assertThat(parked).isNotNull();
        assertThat(parked.getMessageProperties().<String>getHeader("x-touchpoint-error")).contains("field 'properties.total'");
        assertThat(profiles.find("c-rmq-3")).isEmpty();
    }

    @Test
    void theEventsOfOneCustomerAreAppliedInTheOrderTheyWereQueued() {
        // AMQP keeps the order of messages published on one channel, so the sender publishes on one
        rabbit.invoke(channel -> {
            for (int seq = 1; seq <= 30; seq++) {
                channel.convertAndSend("", QUEUE, """
                        {"eventId": "rmq-order-%d-%s", "type": "page_viewed", "customerId": "c-rmq-order", "properties": {"traits": {"seq": %d}}}"""
                        .formatted(seq, RUN, seq));
            }
            return null;
        });

        await().atMost(PATIENCE).until(() -> profiles.find("c-rmq-order").map(p -> p.eventCount() == 30).orElse(false));
        assertThat(profiles.find("c-rmq-order").orElseThrow().attributes()).containsEntry("seq", 30);
    }

    @Test
    void theSameEventIdThroughRestRabbitMqAndMqttIsProcessedOnce() throws Exception {
        String eventId = "dup-" + RUN;
        assertThat(post("/api/events", event(eventId, "c-dup-1", "rest")).body()).contains("\"status\":\"accepted\"");

        NotifyBuilder rabbitDone = new NotifyBuilder(camel).fromRoute("events-rabbitmq").whenDone(1).create();
        rabbit.convertAndSend("", QUEUE, event(eventId, "c-dup-1", "rabbitmq"));
        assertThat(rabbitDone.matches(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        NotifyBuilder mqttDone = new NotifyBuilder(camel).fromRoute("events-mqtt").whenDone(1).create();
        publishMqtt(event(eventId, "c-dup-1", "mqtt"));
        assertThat(mqttDone.matches(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        assertThat(profiles.find("c-dup-1").orElseThrow().eventCount()).isEqualTo(1);
        assertThat(profiles.find("c-dup-1").orElseThrow().attributes()).containsEntry("via", "rest");
        assertThat(jdbc.queryForObject("select count(*) from customer_event where event_id = ?", Integer.class, eventId)).isEqualTo(1);
    }

    @Test
    void anMqttEventIsTakenIn() throws Exception {
        publishMqtt(event("mqtt-1-" + RUN, "c-mqtt-1", "mqtt"));

        await().atMost(PATIENCE).until(() -> profiles.find("c-mqtt-1").isPresent());
        assertThat(profiles.find("c-mqtt-1").orElseThrow().attributes()).containsEntry("via", "mqtt");
    }

    @Test
    void aDroppedFileGoesInExceptItsBadLineWhichIsReportedWithItsNumber(CapturedOutput log) throws IOException {
        String name = "import-" + RUN;
        Files.writeString(INBOX.resolve(name + ".part"), String.join("\n",
                event("file-1-" + RUN, "c-file-1", "file"),
                "{\"type\": \"page_viewed\", \"customerId\": ",
                "",
                "{\"type\": \"page_viewed\", \"customerId\": \"c-file-3\"}") + "\n");
        Files.move(INBOX.resolve(name + ".part"), INBOX.resolve(name + ".jsonl"));

        await().atMost(PATIENCE).until(() -> Files.exists(INBOX.resolve(".done").resolve(name + ".jsonl")));
        assertThat(profiles.find("c-file-1")).isPresent();
        assertThat(profiles.find("c-file-3")).isPresent();
        assertThat(log.getOut()).contains("File drop " + name + ".jsonl: line 2 refused: malformed JSON")
                .contains("File drop " + name + ".jsonl: import finished").contains("1 rejected");
    }

    @Test
    void underOverloadRestAnswers503WithRetryAfterAndRecoversAfterwards() throws Exception {
        List<Socket> slowSenders = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                slowSenders.add(startSlowPost());
            }
            // only the slow senders compete for the two slots: no request of this test runs until they hold both
            await().atMost(PATIENCE).until(() -> gate.freeSlots() == 0);
            HttpResponse<String> refused = post("/api/events", event("busy-" + UUID.randomUUID(), "c-busy", "rest"));
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        } finally {
            for (Socket socket : slowSenders) {
                socket.close();
            }
        }
        await().atMost(PATIENCE).until(() -> post("/api/events", event("calm-" + RUN, "c-calm", "rest")).statusCode() == 202);
    }

    /** A POST that sends its headers and half its body, then keeps the request open. */
    private Socket startSlowPost() throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + basic(USER, PASSWORD)
                + "\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"type\": ").getBytes(StandardCharsets.UTF_8));
        out.flush();
        return socket;
    }

    private void publishMqtt(String json) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:1883", "touchpoint-it-pub-" + RUN, new MemoryPersistence());
        try {
            client.connect();
            client.publish(TOPIC, json.getBytes(StandardCharsets.UTF_8), 1, false);
            client.disconnect();
        } finally {
            client.close();
        }
    }

    private static String event(String eventId, String customerId, String via) {
        return """
                {"eventId": "%s", "type": "page_viewed", "customerId": "%s", "properties": {"traits": {"via": "%s"}}}"""
                .formatted(eventId, customerId, via);
    }

    private static Path temporaryFolder() {
        try {
            return Files.createTempDirectory("touchpoint-inbox-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
