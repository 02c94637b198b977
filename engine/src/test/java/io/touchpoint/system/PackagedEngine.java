package io.touchpoint.system;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;

/**
 * The packaged engine ({@code target/touchpoint-engine-*.jar}, built by {@code package} before Failsafe runs) as a
 * process of its own: on the H2 files under a test's home folder, with a fresh Hazelcast cluster of its own, and
 * sending email to the test's SMTP server ({@code TOUCHPOINT_SMTP_HOST}/{@code _PORT}). Its output goes to
 * {@code target/<logFolder>/engine-<name>.log}.
 */
final class PackagedEngine {

    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "touchpoint";

    final String name;
    final int port;
    final Process process;
    final Path log;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * Starts the jar in {@code home} (folders missing there come from the jar) with the JVM options and the extra
     * {@code --key=value} settings given; returns at once (see {@link #awaitTakesEvents}).
     */
    PackagedEngine(String name, Path home, int smtpPort, String logFolder, List<String> jvmOptions, List<String> settings)
            throws IOException {
        this.name = name;
        this.port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", packagedJar().toAbsolutePath().toString(),
                "--server.port=" + port,
                "--spring.profiles.active=dev", // the documented logins the tests sign in with
                "--touchpoint.data-dir=" + home.resolve("data"),
                "--touchpoint.hazelcast.cluster-name=" + name + "-" + UUID.randomUUID(),
                "--touchpoint.hazelcast.port=" + freePort(),
                "--touchpoint.mail.dev-sink.enabled=false",
                "--touchpoint.events.file.enabled=false",
                "--touchpoint.rules.hot-reload=false"));
        command.addAll(settings);
        this.log = Files.createDirectories(Path.of("target", logFolder)).resolve("engine-" + name + ".log").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("TOUCHPOINT_SMTP_HOST", "127.0.0.1");
        builder.environment().put("TOUCHPOINT_SMTP_PORT", String.valueOf(smtpPort));
        this.process = builder.start();
    }

    /** Waits until {@code POST /api/events} answers 202 (the routes answer some seconds after {@code /engine-rest}). */
    PackagedEngine awaitTakesEvents(Duration atMost) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(500)).until(this::takesEvents);
        } catch (ConditionTimeoutException notReady) {
            throw new AssertionError("the " + name + " engine did not take events: " + log + "\n" + tail(), notReady);
        }
        return this;
    }

    private boolean takesEvents() throws IOException {
        if (!process.isAlive()) {
            throw new IllegalStateException("the " + name + " engine stopped: see " + log + "\n" + tail());
        }
        try {
            return post("/api/events", "{\"type\": \"engine_ready\", \"customerId\": \"ready-check\"}").statusCode() == 202;
        } catch (ConnectException | java.net.http.HttpTimeoutException notYet) {
            return false;
        }
    }

    /** A POST of JSON as the administrator (HTTP Basic). */
    HttpResponse<String> post(String path, String json) throws IOException {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** Deploys one BPMN file over {@code /engine-rest/deployment/create}, as Camunda Modeler does. */
    HttpResponse<String> deploy(String fileName, String bpmn) throws IOException {
        String boundary = "----touchpoint" + UUID.randomUUID();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"deployment-name\"\r\n\r\n" + fileName + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"data\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + bpmn + "\r\n--" + boundary + "--\r\n";
        return send(request("/engine-rest/deployment/create").header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** A PUT of JSON as the administrator (HTTP Basic). */
    HttpResponse<String> put(String path, String json) throws IOException {
        return send(request(path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** A GET as the administrator (HTTP Basic). */
    HttpResponse<String> get(String path) throws IOException {
        return send(request(path).GET().build());
    }

    /** A request to this engine as the administrator, with a 30 s timeout. */
    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((ADMIN + ":" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** SIGKILL on Linux: no shutdown hook, no flush, no goodbye. */
    void kill() {
        process.destroyForcibly();
        waitFor();
    }

    /** SIGTERM: a graceful stop that closes the database. */
    void stop() {
        process.destroy();
        waitFor();
    }

    private void waitFor() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last 40 lines of the engine's output. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path packagedJar() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(f -> f.getFileName().toString().matches("touchpoint-engine-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no target/touchpoint-engine-*.jar: run through 'mvn verify', whose package phase builds it"));
        }
    }
}
