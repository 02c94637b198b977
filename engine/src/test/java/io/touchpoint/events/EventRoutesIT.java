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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.ExchangeCompletedEvent;
import org.apache.camel.spi.CamelEvent.ExchangeEvent;
import org.apache.camel.spi.CamelEvent.ExchangeRedeliveryEvent;
import org.apache.camel.spi.CamelEvent.ExchangeSentEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.touchpoint.EngineIT;
import io.touchpoint.profiles.ProfileService;
import io.touchpoint.profiles.RecentEvent;

/**
 * Every way in besides REST, against the real local RabbitMQ and Mosquitto, a Kafka broker started in this JVM
 * (KRaft, from spring-kafka-test) and a real drop folder, with queue, topic and folder names of this run only
 * (removed afterwards); plus REST back-pressure. A failure that is not bad input is made real by holding the
 * database lock of the event's row in an open transaction.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class EventRoutesIT extends EngineIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String QUEUE = "touchpoint.it." + RUN;
    static final String DEAD_LETTERS = QUEUE + ".dead";
    static final String TOPIC = "touchpoint-it/" + RUN + "/events";
    static final String KAFKA_TOPIC = "touchpoint-it-" + RUN;
    static final EmbeddedKafkaKraftBroker KAFKA = startKafka();
    static final Path INBOX = temporaryFolder();
    static final Duration PATIENCE = Duration.ofSeconds(30);
    static final int LANES = 4;

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
    @Autowired
    DataSource database;

    @DynamicPropertySource
    static void routesOfThisRun(DynamicPropertyRegistry registry) {
        // a context of its own: its engine must not take the name "default", which /engine-rest of the shared context resolves
        registry.add("camunda.bpm.process-engine-name", () -> "routes_" + RUN);
        registry.add("touchpoint.events.rabbitmq.enabled", () -> "true");
        registry.add("touchpoint.events.rabbitmq.queue", () -> QUEUE);
        registry.add("touchpoint.events.rabbitmq.dead-letter-queue", () -> DEAD_LETTERS);
        registry.add("touchpoint.events.rabbitmq.lanes", () -> LANES);
        // well below the messages the tests send: were a message never acknowledged, the consumer would stall
        registry.add("touchpoint.events.rabbitmq.prefetch", () -> "10");
        registry.add("touchpoint.events.broker-retries", () -> "0");
        registry.add("touchpoint.events.mqtt.enabled", () -> "true");
        registry.add("touchpoint.events.mqtt.topic", () -> TOPIC);
        registry.add("touchpoint.events.mqtt.client-id", () -> "touchpoint-it-" + RUN);
        // the broker forgets the session a minute after the run
        registry.add("touchpoint.events.mqtt.session-expiry-seconds", () -> "60");
        // a failing message is tried again after 1 s, then every 2 s
        registry.add("touchpoint.events.mqtt.max-retry-delay-ms", () -> "2000");
        registry.add("touchpoint.events.kafka.enabled", () -> "true");
        registry.add("touchpoint.events.kafka.brokers", KAFKA::getBrokersAsString);
        registry.add("touchpoint.events.kafka.topic", () -> KAFKA_TOPIC);
        registry.add("touchpoint.events.kafka.group-id", () -> "touchpoint-it-" + RUN);
        registry.add("touchpoint.events.file.enabled", () -> "true");
        registry.add("touchpoint.events.file.folder", INBOX::toString);
        registry.add("touchpoint.events.max-in-flight", () -> "2");
    }

    @AfterAll
    void removeQueuesTopicAndFolder() throws Exception {
        camel.getRouteController().stopRoute("events-rabbitmq");
        camel.getRouteController().stopRoute("events-mqtt");
        camel.getRouteController().stopRoute("events-file");
        camel.getRouteController().stopRoute("events-kafka");
        KAFKA.destroy();
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
    void rabbitMqLanesTakeCustomersInParallelAndEachCustomersEventsInQueueOrder() {
        List<String> customers = IntStream.rangeClosed(1, 8).mapToObj(n -> "c-lanes-" + n + "-" + RUN).toList();
        int perCustomer = 20;
        IntakeWatch watch = watchIntake("events-rabbitmq");
        try {
            // AMQP keeps the order of messages published on one channel, so the sender publishes on one
            rabbit.invoke(channel -> {
                for (int seq = 1; seq <= perCustomer; seq++) {
                    for (String customer : customers) {
                        channel.convertAndSend("", QUEUE, sequenced(customer, seq));
                    }
                }
                return null;
            });

            // a lane takes the messages waiting for it together, in one transaction: the profile's recent events show the order
            await().atMost(PATIENCE).until(() -> customers.stream()
                    .allMatch(customer -> profiles.find(customer).map(profile -> profile.eventCount() == perCustomer).orElse(false)));
            for (String customer : customers) {
                List<String> lastInQueueFirst = IntStream.iterate(perCustomer, seq -> seq >= 1, seq -> seq - 1).mapToObj(seq -> customer + "-" + seq).toList();
                assertThat(profiles.find(customer).orElseThrow().recentEvents()).extracting(RecentEvent::eventId)
                        .as("events of %s, newest applied first", customer).containsExactlyElementsOf(lastInQueueFirst);
                assertThat(profiles.find(customer).orElseThrow().attributes()).containsEntry("seq", perCustomer);
            }
            assertThat(watch.completedOn()).as("threads that settled the messages").hasSizeGreaterThan(1)
                    .allMatch(thread -> thread.contains("events-rabbitmq-lane-"));
        } finally {
            watch.unwatch();
        }
        await().atMost(PATIENCE).until(() -> rabbitAdmin.getQueueInfo(QUEUE).getMessageCount() == 0);
    }

    @Test
    void aRabbitMqMessageWithoutEventIdIsTakenInOnceHoweverOftenItComes() {
        String sameBytes = """
                {"type": "page_viewed", "customerId": "c-rmq-noid-%s", "properties": {"traits": {"via": "rabbitmq"}}}""".formatted(RUN);
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("events-rabbitmq").whenDone(4).create();
        rabbit.convertAndSend("", QUEUE, sameBytes);
        rabbit.convertAndSend("", QUEUE, sameBytes);
        // a publisher that sets message_id: the id is the event's, whatever the body
        for (String via : List.of("first", "second")) {
            rabbit.send("", QUEUE, MessageBuilder.withBody("""
                    {"type": "page_viewed", "customerId": "c-rmq-msgid-%s", "properties": {"traits": {"via": "%s"}}}"""
                    .formatted(RUN, via).getBytes(StandardCharsets.UTF_8)).setMessageId("msg-" + RUN).build());
        }
        assertThat(done.matches(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        assertThat(eventIdsOf("c-rmq-noid-" + RUN)).singleElement().asString().matches("sha256:[0-9a-f]{64}");
        assertThat(profiles.find("c-rmq-noid-" + RUN).orElseThrow().eventCount()).isEqualTo(1);
        assertThat(eventIdsOf("c-rmq-msgid-" + RUN)).containsExactly("msg-" + RUN);
        assertThat(profiles.find("c-rmq-msgid-" + RUN).orElseThrow().attributes()).containsEntry("via", "first");
    }

    @Test
    void aRabbitMqMessageThatFailsForAnotherReasonIsHandedBackAndTakenInOnceTheCauseIsGone() throws Exception {
        String eventId = "rmq-held-" + RUN;
        NotifyBuilder failedTwice = new NotifyBuilder(camel).fromRoute("events-rabbitmq").whenFailed(2).create();
        try (Connection holder = holdRowLock(eventId)) {
            rabbit.convertAndSend("", QUEUE, event(eventId, "c-rmq-held", "rabbitmq"));
            // each delivery waits for the lock, fails and goes back to the queue; the broker delivers it again
            assertThat(failedTwice.matches(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertNothingCommittedFor("c-rmq-held");
            holder.rollback();
        }
        awaitCommittedOnce("c-rmq-held", eventId);
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
    void mqttMessagesPublishedWhileTheRouteIsAwayAreTakenInWhenItIsBack() throws Exception {
        camel.getRouteController().stopRoute("events-mqtt");
        for (int n = 1; n <= 10; n++) {
            publishMqtt(event("mqtt-away-" + n + "-" + RUN, "c-mqtt-away", "mqtt"));
        }
        camel.getRouteController().startRoute("events-mqtt");

        await().atMost(PATIENCE).until(() -> profiles.find("c-mqtt-away").map(p -> p.eventCount() == 10).orElse(false));
    }

    @Test
    void anMqttMessageWithoutEventIdIsTakenInOnceHoweverOftenItComes() throws Exception {
        String sameBytes = """
                {"type": "page_viewed", "customerId": "c-mqtt-noid-%s"}""".formatted(RUN);
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("events-mqtt").whenDone(2).create();
        publishMqtt(sameBytes);
        publishMqtt(sameBytes);
        assertThat(done.matches(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

        assertThat(eventIdsOf("c-mqtt-noid-" + RUN)).singleElement().asString().startsWith("sha256:");
    }

    @Test
    void anMqttMessageThatIsNotJsonGoesToTheDeadLetterQueueUntriedAndTheConsumerGoesOn() throws Exception {
        IntakeWatch watch = watchIntake("events-mqtt");
        try {
            publishMqtt("mqtt: this is not json " + RUN);
            publishMqtt(event("mqtt-after-poison-" + RUN, "c-mqtt-after-poison", "mqtt"));

            Message parked = deadLetterWithBody("mqtt: this is not json " + RUN);
            assertThat(parked.getMessageProperties().<String>getHeader("x-touchpoint-route")).isEqualTo("events-mqtt");
            assertThat(parked.getMessageProperties().<String>getHeader("x-touchpoint-error")).contains("malformed JSON");
            await().atMost(PATIENCE).until(() -> !eventIdsOf("c-mqtt-after-poison").isEmpty());
            assertThat(watch.retries()).isZero();
        } finally {
            watch.unwatch();
        }
    }

    @Test
    void anMqttMessageThatFailsForAnotherReasonIsTriedAgainUntilTakenInAndTheConsumerGoesOn() throws Exception {
        String eventId = "mqtt-held-" + RUN;
        IntakeWatch watch = watchIntake("events-mqtt");
        try (Connection holder = holdRowLock(eventId)) {
            publishMqtt(event(eventId, "c-mqtt-held", "mqtt"));
            // each try waits for the lock and fails; the message waits for its next try off the consumer's thread
            await().atMost(PATIENCE).until(() -> watch.retries() >= 2);
            for (int n = 1; n <= 5; n++) {
                publishMqtt(event("mqtt-flow-" + n + "-" + RUN, "c-mqtt-flow", "mqtt"));
            }
            await().atMost(PATIENCE).until(() -> profiles.find("c-mqtt-flow").map(p -> p.eventCount() == 5).orElse(false));
            assertNothingCommittedFor("c-mqtt-held");
            holder.rollback();
        } finally {
            watch.unwatch();
        }
        awaitCommittedOnce("c-mqtt-held", eventId);
    }

    @Test
    void anMqttMessageStillFailingWhenTheRouteStopsIsNotAcknowledgedAndComesAgainWhenItStarts() throws Exception {
        String eventId = "mqtt-stopped-" + RUN;
        IntakeWatch watch = watchIntake("events-mqtt");
        try (Connection holder = holdRowLock(eventId)) {
            publishMqtt(event(eventId, "c-mqtt-stopped", "mqtt"));
            await().atMost(PATIENCE).until(() -> watch.retries() >= 1);
            // the route gives up the message's next try; had it been acknowledged, the broker would not send it again
            camel.getRouteController().stopRoute("events-mqtt");
            holder.rollback();
        } finally {
            watch.unwatch();
        }
        assertThat(profiles.find("c-mqtt-stopped")).isEmpty();

        camel.getRouteController().startRoute("events-mqtt");
        awaitCommittedOnce("c-mqtt-stopped", eventId);
    }

    @Test
    void kafkaRecordsAreTakenInInOrderPerKeyOnceEachWithOffsetsCommittedAndAPoisonRecordDeadLettered() throws Exception {
        List<String> customers = List.of("c-kafka-1-" + RUN, "c-kafka-2-" + RUN, "c-kafka-3-" + RUN);
        int perCustomer = 15;
        String withoutId = """
                {"type": "page_viewed", "customerId": "c-kafka-noid-%s", "properties": {"traits": {"via": "kafka"}}}""".formatted(RUN);
        IntakeWatch watch = watchIntake("events-kafka");
        try (KafkaProducer<String, String> producer = kafkaProducer()) {
            for (int seq = 1; seq <= perCustomer; seq++) {
                for (String customer : customers) {
                    producer.send(new ProducerRecord<>(KAFKA_TOPIC, customer, sequenced(customer, seq)));
                }
            }
            producer.send(new ProducerRecord<>(KAFKA_TOPIC, "c-kafka-noid-" + RUN, withoutId));
            producer.send(new ProducerRecord<>(KAFKA_TOPIC, "c-kafka-noid-" + RUN, withoutId));
            producer.send(new ProducerRecord<>(KAFKA_TOPIC, "poison", "kafka: this is not json " + RUN));
            producer.flush();

            await().atMost(PATIENCE).until(() -> watch.passedThrough() == customers.size() * perCustomer + 2);
            for (String customer : customers) {
                assertThat(watch.eventIdsOf(customer)).containsExactlyElementsOf(
                        IntStream.rangeClosed(1, perCustomer).mapToObj(seq -> customer + "-" + seq).toList());
            }
            assertThat(profiles.find(customers.get(0)).orElseThrow().attributes()).containsEntry("seq", perCustomer);
            assertThat(eventIdsOf("c-kafka-noid-" + RUN)).singleElement().asString().startsWith("sha256:");
            Message parked = deadLetterWithBody("kafka: this is not json " + RUN);
            assertThat(parked.getMessageProperties().<String>getHeader("x-touchpoint-route")).isEqualTo("events-kafka");
            assertThat(parked.getMessageProperties().<String>getHeader("x-touchpoint-error")).contains("malformed JSON");
            // every record, the poison one too, is committed: a restart does not read them again
            await().atMost(PATIENCE).until(() -> committedOffsets().equals(endOffsets()));
        } finally {
            watch.unwatch();
        }
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

    /** An open transaction that has written the row of {@code eventId}: whoever writes it too waits, then fails. */
    private Connection holdRowLock(String eventId) throws SQLException {
        Connection connection = database.getConnection();
        connection.setAutoCommit(false);
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into customer_event (event_id, customer_id, type, occurred_at, received_at, payload) values (?, 'c-lock', 'lock', ?, ?, '{}')")) {
            Timestamp now = Timestamp.from(Instant.now());
            insert.setString(1, eventId);
            insert.setTimestamp(2, now);
            insert.setTimestamp(3, now);
            insert.executeUpdate();
        }
        return connection;
    }

    /**
     * Nothing of the customer's event is in the database: neither the event nor a stored profile. (The profile map
     * is not asked: the broker hands a failed message back at once, and its next try may be between applying the
     * event to the profile and failing on the held row when the test looks.)
     */
    private void assertNothingCommittedFor(String customerId) {
        assertThat(eventIdsOf(customerId)).isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from customer_profile where customer_id = ?", Integer.class, customerId)).isZero();
    }

    /** Waits for the customer's one committed event (the profile shows an event before its transaction commits). */
    private void awaitCommittedOnce(String customerId, String eventId) {
        await().atMost(PATIENCE).until(() -> !eventIdsOf(customerId).isEmpty());
        assertThat(eventIdsOf(customerId)).containsExactly(eventId);
    }

    private List<String> eventIdsOf(String customerId) {
        return jdbc.queryForList("select event_id from customer_event where customer_id = ?", String.class, customerId);
    }

    private Message deadLetterWithBody(String body) {
        for (int i = 0; i < 20; i++) {
            Message parked = rabbit.receive(DEAD_LETTERS, PATIENCE.toMillis());
            assertThat(parked).as("a dead letter with body %s", body).isNotNull();
            if (new String(parked.getBody(), StandardCharsets.UTF_8).equals(body)) {
                return parked;
            }
        }
        throw new AssertionError("no dead letter with body " + body);
    }

    private static String sequenced(String customer, int seq) {
        return """
                {"eventId": "%s-%d", "type": "page_viewed", "customerId": "%s", "properties": {"traits": {"seq": %d}}}"""
                .formatted(customer, seq, customer, seq);
    }

    private IntakeWatch watchIntake(String fromRoute) {
        IntakeWatch watch = new IntakeWatch(camel, fromRoute);
        ServiceHelper.startService(watch);
        camel.getManagementStrategy().addEventNotifier(watch);
        return watch;
    }

    /**
     * Watches what one way in hands to the shared intake route (which events, in which order), on which threads its
     * exchanges complete, and how often the route tried a failed message again.
     */
    static final class IntakeWatch extends EventNotifierSupport {

        private final CamelContext camel;
        private final String fromRoute;
        private final Map<String, List<String>> eventIdsByCustomer = new ConcurrentHashMap<>();
        private final Set<String> completedOn = ConcurrentHashMap.newKeySet();
        private final AtomicInteger takenIn = new AtomicInteger();
        private final AtomicInteger passedThrough = new AtomicInteger();
        private final AtomicInteger retries = new AtomicInteger();

        IntakeWatch(CamelContext camel, String fromRoute) {
            this.camel = camel;
            this.fromRoute = fromRoute;
        }

        @Override
        public void notify(CamelEvent event) {
            if (!(event instanceof ExchangeEvent exchangeEvent) || !fromRoute.equals(exchangeEvent.getExchange().getFromRouteId())) {
                return;
            }
            if (event instanceof ExchangeCompletedEvent) {
                completedOn.add(Thread.currentThread().getName());
            } else if (event instanceof ExchangeRedeliveryEvent) {
                retries.incrementAndGet();
            } else if (event instanceof ExchangeSentEvent sent && isIntake(sent.getEndpoint())) {
                passedThrough.incrementAndGet();
                if (sent.getExchange().getMessage().getBody() instanceof EventIntake.Accepted accepted && !accepted.duplicate()) {
                    eventIdsByCustomer.computeIfAbsent(accepted.customerId(), customer -> Collections.synchronizedList(new ArrayList<>()))
                            .add(accepted.eventId());
                    takenIn.incrementAndGet();
                }
            }
        }

        private static boolean isIntake(Endpoint endpoint) {
            return endpoint.getEndpointUri().startsWith("direct://events-intake");
        }

        /** Events the intake applied (repeats left out). */
        int takenIn() {
            return takenIn.get();
        }

        /** Events through the intake, repeats included. */
        int passedThrough() {
            return passedThrough.get();
        }

        List<String> eventIdsOf(String customerId) {
            return List.copyOf(eventIdsByCustomer.getOrDefault(customerId, List.of()));
        }

        /** The threads on which the way in's exchanges completed. */
        Set<String> completedOn() {
            return Set.copyOf(completedOn);
        }

        /** Tries again of a failed message (the route's error handler). */
        int retries() {
            return retries.get();
        }

        void unwatch() {
            camel.getManagementStrategy().removeEventNotifier(this);
            ServiceHelper.stopService(this);
        }
    }

    private static KafkaProducer<String, String> kafkaProducer() {
        Properties settings = new Properties();
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBrokersAsString());
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(settings);
    }

    private Map<TopicPartition, Long> committedOffsets() {
        return KAFKA.doWithAdminFunction(admin -> {
            try {
                Map<TopicPartition, Long> offsets = new HashMap<>();
                admin.listConsumerGroupOffsets("touchpoint-it-" + RUN).partitionsToOffsetAndMetadata().get()
                        .forEach((partition, offset) -> offsets.put(partition, offset.offset()));
                return offsets;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private Map<TopicPartition, Long> endOffsets() {
        return KAFKA.doWithAdminFunction(admin -> {
            try {
                TopicDescription topic = admin.describeTopics(List.of(KAFKA_TOPIC)).allTopicNames().get().get(KAFKA_TOPIC);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                topic.partitions().forEach(partition -> latest.put(new TopicPartition(KAFKA_TOPIC, partition.partition()), OffsetSpec.latest()));
                Map<TopicPartition, Long> offsets = new HashMap<>();
                admin.listOffsets(latest).all().get().forEach((partition, info) -> {
                    if (info.offset() > 0) {
                        offsets.put(partition, info.offset());
                    }
                });
                return offsets;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static EmbeddedKafkaKraftBroker startKafka() {
        EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 2, KAFKA_TOPIC);
        kafka.afterPropertiesSet();
        return kafka;
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
