package io.touchpoint;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.camunda.bpm.engine.ManagementService;
import org.camunda.bpm.engine.management.JobDefinition;
import org.camunda.bpm.engine.runtime.Job;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests: the whole application on a random port, with a real GreenMail SMTP server,
 * an in-memory H2 database and a private embedded Hazelcast member. Subclasses share one Spring context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"dev", "test"})
public abstract class EngineIT {

    protected static final String USER = "admin";
    protected static final String PASSWORD = "touchpoint";
    protected static final GreenMail SMTP = startSmtp();

    @LocalServerPort
    protected int port;

    @Autowired
    protected ManagementService management;

    private final HttpClient http = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void smtp(DynamicPropertyRegistry registry) {
        registry.add("spring.mail.port", () -> SMTP.getSmtp().getPort());
    }

    @BeforeEach
    void emptyMailbox() throws Exception {
        SMTP.purgeEmailFromAllMailboxes();
    }

    /** Posts JSON with the default credentials. */
    protected HttpResponse<String> post(String path, String json) {
        HttpResponse<String> response = send(request(path).header("Authorization", basic(USER, PASSWORD))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
        return response;
    }

    protected HttpResponse<String> get(String path) {
        return send(request(path).header("Authorization", basic(USER, PASSWORD)).GET().build());
    }

    protected HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    protected HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    protected static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Fires a journey's timers one after the other, due or not, until none is waiting; the jobs after them stay queued. */
    protected void fireTimers(String processInstanceId) {
        for (int round = 0; round < 10; round++) {
            Job timer = management.createJobQuery().processInstanceId(processInstanceId).timers().singleResult();
            if (timer == null) {
                return;
            }
            management.executeJob(timer.getId());
        }
        throw new IllegalStateException("timers of " + processInstanceId + " keep coming after 10 rounds");
    }

    /** Executes every due-or-not job of a process instance until none is left, as the job executor would. */
    protected void runAllJobs(String processInstanceId) {
        for (int round = 0; round < 10; round++) {
            List<Job> jobs = management.createJobQuery().processInstanceId(processInstanceId).list();
            if (jobs.isEmpty()) {
                return;
            }
            jobs.forEach(job -> management.executeJob(job.getId()));
        }
        throw new IllegalStateException("jobs of " + processInstanceId + " keep coming after 10 rounds");
    }

    private static GreenMail startSmtp() {
        try (ServerSocket socket = new ServerSocket(0)) {
            GreenMail smtp = new GreenMail(new ServerSetup(socket.getLocalPort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            socket.close();
            smtp.start();
            return smtp;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the test SMTP server", e);
        }
    }
}
