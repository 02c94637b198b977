package io.touchpoint.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.touchpoint.EngineIT;

/**
 * Every resource family of the Camunda 7 REST API, with GET/POST/PUT/DELETE, tried by every role and by nobody,
 * both under /engine-rest/ and under /engine-rest/engine/default/: anonymous gets 401, a role below the one the call
 * needs 403, a role at or above it reaches Camunda (whatever Camunda answers for the made-up ids). Calls that no
 * rule names are refused to everyone.
 */
class EngineRestRolesIT extends EngineIT {

    /** Role levels: viewer < operator < marketer < admin; NOBODY = refused to all. */
    private static final List<String> LEVELS = List.of("VIEWER", "OPERATOR", "MARKETER", "ADMIN", "NOBODY");
    private static final Map<String, String> PASSWORDS = Map.of("viewer", "viewer", "operator", "operator", "marketer", "marketer", "admin", "touchpoint",
            "integration", "integration");

    /** method, path below /engine-rest, the lowest role allowed. */
    private static final String CALLS = """
            GET    /version                                      VIEWER
            GET    /engine                                       VIEWER
            GET    /deployment                                   VIEWER
            GET    /deployment/count                             VIEWER
            GET    /deployment/none/resources                    VIEWER
            POST   /deployment/create                            MARKETER
            POST   /deployment/none/redeploy                     MARKETER
            DELETE /deployment/none                              MARKETER
            PUT    /deployment/none                              NOBODY
            POST   /deployment/none/anything                     NOBODY
            GET    /process-definition                           VIEWER
            GET    /process-definition/count                     VIEWER
            GET    /process-definition/key/none/xml              VIEWER
            GET    /process-definition/statistics                VIEWER
            POST   /process-definition/none/start                OPERATOR
            POST   /process-definition/key/none/start            OPERATOR
            POST   /process-definition/key/none/submit-form      OPERATOR
            POST   /process-definition/none/restart              OPERATOR
            PUT    /process-definition/none/suspended            MARKETER
            PUT    /process-definition/none/history-time-to-live MARKETER
            DELETE /process-definition/none                      MARKETER
            DELETE /process-definition/key/none                  MARKETER
            GET    /process-instance                             VIEWER
            GET    /process-instance/count                       VIEWER
            GET    /process-instance/none/variables              VIEWER
            GET    /process-instance/none/activity-instances     VIEWER
            POST   /process-instance                             VIEWER
            POST   /process-instance/count                       VIEWER
            POST   /process-instance/none/variables              OPERATOR
            PUT    /process-instance/none/variables/x            OPERATOR
            DELETE /process-instance/none/variables/x            OPERATOR
            PUT    /process-instance/none/suspended              OPERATOR
            POST   /process-instance/none/modification           OPERATOR
            POST   /process-instance/delete                      OPERATOR
            DELETE /process-instance/none                        OPERATOR
            GET    /execution                                    VIEWER
            POST   /execution                                    VIEWER
            POST   /execution/none/signal                        OPERATOR
            PUT    /execution/none/localVariables/x              OPERATOR
            POST   /execution/none/messageSubscriptions/m/trigger OPERATOR
            GET    /job                                          VIEWER
            GET    /job/count                                    VIEWER
            GET    /job/none/stacktrace                          VIEWER
            POST   /job                                          VIEWER
            POST   /job/none/execute                             OPERATOR
            PUT    /job/none/retries                             OPERATOR
            PUT    /job/retries                                  OPERATOR
            PUT    /job/none/duedate                             OPERATOR
            PUT    /job/none/suspended                           OPERATOR
            DELETE /job/none                                     OPERATOR
            GET    /job-definition                               VIEWER
            PUT    /job-definition/none/retries                  OPERATOR
            PUT    /job-definition/none/suspended                OPERATOR
            GET    /incident                                     VIEWER
            GET    /incident/count                               VIEWER
            PUT    /incident/none/annotation                     OPERATOR
            DELETE /incident/none                                OPERATOR
            POST   /message                                      OPERATOR
            GET    /message                                      NOBODY
            POST   /signal                                       OPERATOR
            POST   /condition                                    OPERATOR
            GET    /task                                         VIEWER
            GET    /task/count                                   VIEWER
            GET    /task/none/variables                          VIEWER
            POST   /task                                         VIEWER
            POST   /task/none/claim                              OPERATOR
            POST   /task/none/complete                           OPERATOR
            PUT    /task/none                                    OPERATOR
            DELETE /task/none                                    OPERATOR
            GET    /variable-instance                            VIEWER
            GET    /variable-instance/count                      VIEWER
            GET    /variable-instance/none/data                  VIEWER
            POST   /variable-instance                            VIEWER
            GET    /event-subscription                           VIEWER
            GET    /decision-definition                          VIEWER
            GET    /decision-definition/none/xml                 VIEWER
            POST   /decision-definition/key/none/evaluate        OPERATOR
            PUT    /decision-definition/none/history-time-to-live MARKETER
            GET    /decision-requirements-definition             VIEWER
            POST   /decision-requirements-definition/none/x      ADMIN
            GET    /case-definition                              VIEWER
            POST   /case-definition/none/create                  ADMIN
            GET    /case-instance                                VIEWER
            POST   /case-instance/none/close                     ADMIN
            GET    /case-execution                               VIEWER
            GET    /batch                                        VIEWER
            GET    /batch/statistics                             VIEWER
            PUT    /batch/none/suspended                         OPERATOR
            DELETE /batch/none                                   OPERATOR
            POST   /batch/none                                   NOBODY
            POST   /migration/generate                           MARKETER
            POST   /migration/validate                           MARKETER
            POST   /migration/execute                            MARKETER
            POST   /modification/execute                         OPERATOR
            GET    /history/process-instance                     VIEWER
            GET    /history/activity-instance                    VIEWER
            GET    /history/task                                 VIEWER
            GET    /history/variable-instance                    VIEWER
            GET    /history/incident                             VIEWER
            GET    /history/job-log                              VIEWER
            GET    /history/user-operation                       VIEWER
            GET    /history/detail                               VIEWER
            GET    /history/cleanup/configuration                VIEWER
            POST   /history/process-instance                     VIEWER
            POST   /history/task/count                           VIEWER
            POST   /history/process-instance/delete              ADMIN
            POST   /history/process-instance/set-removal-time    ADMIN
            DELETE /history/process-instance/none                ADMIN
            PUT    /history/user-operation/none/set-annotation   ADMIN
            GET    /filter                                       VIEWER
            POST   /filter/create                                ADMIN
            PUT    /filter/none                                  ADMIN
            DELETE /filter/none                                  ADMIN
            GET    /external-task                                VIEWER
            POST   /external-task                                VIEWER
            POST   /external-task/fetchAndLock                   ADMIN
            POST   /external-task/none/complete                  ADMIN
            PUT    /external-task/none/retries                   ADMIN
            GET    /user                                         ADMIN
            GET    /user/count                                   ADMIN
            POST   /user/create                                  ADMIN
            PUT    /user/none/credentials                        ADMIN
            DELETE /user/none                                    ADMIN
            GET    /group                                        ADMIN
            POST   /group/create                                 ADMIN
            PUT    /group/none/members/someone                   ADMIN
            DELETE /group/none                                   ADMIN
            GET    /authorization                                ADMIN
            POST   /authorization/create                         ADMIN
            DELETE /authorization/none                           ADMIN
            GET    /tenant                                       ADMIN
            POST   /tenant/create                                ADMIN
            GET    /identity/groups                              ADMIN
            POST   /identity/verify                              ADMIN
            GET    /metrics/activity-instance/sum                VIEWER
            DELETE /metrics/task-worker                          ADMIN
            GET    /schema/log                                   ADMIN
            GET    /telemetry/data                               ADMIN
            GET    /nonexistent                                  NOBODY
            DELETE /version                                      NOBODY
            """;

    @Test
    void everyCallOfTheCamundaRestApiNeedsTheRoleOfWhatItDoes() {
        List<String> wrong = new ArrayList<>();
        for (String line : CALLS.strip().split("\n")) {
            String[] call = line.trim().split("\\s+");
            for (String prefix : List.of("/engine-rest", "/engine-rest/engine/default")) {
                check(call[0], prefix + call[1], call[2], wrong);
            }
        }
        assertThat(wrong).as("calls answered with the wrong status").isEmpty();
    }

    @Test
    void anotherEngineNameOrAnEncodedPathDoesNotGetAroundTheRules() {
        List<String> wrong = new ArrayList<>();
        check("POST", "/engine-rest/engine/other/deployment/create", "MARKETER", wrong);
        check("POST", "/engine-rest/deploym%65nt/create", "MARKETER", wrong);
        check("POST", "/engine-rest/engine/default/deployment/create/", "MARKETER", wrong);
        assertThat(wrong).isEmpty();
    }

    @Test
    void aRefusalSaysWhichRoleTheCallNeeds() {
        var refused = send(call("POST", "/engine-rest/engine/default/deployment/create").header("Authorization", basic("operator", "operator")).build());

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("'operator' (role operator) may not deploy: that needs the marketer role");
    }

    /** Tries the call anonymously and as each role, adding a line to {@code wrong} for each unexpected answer. */
    private void check(String method, String path, String lowest, List<String> wrong) {
        int anonymous = send(call(method, path).build()).statusCode();
        if (anonymous != 401) {
            wrong.add(method + " " + path + " anonymous: " + anonymous);
        }
        for (String role : List.of("integration", "viewer", "operator", "marketer", "admin")) {
            int status = send(call(method, path).header("Authorization", basic(role, PASSWORDS.get(role))).build()).statusCode();
            // the integration role (event sources) stands beside the console roles: nothing of the engine's API
            boolean allowed = !role.equals("integration") && LEVELS.indexOf(role.toUpperCase()) >= LEVELS.indexOf(lowest);
            if (allowed ? (status == 401 || status == 403) : status != 403) {
                wrong.add(method + " " + path + " as " + role + ": " + status + " (lowest role allowed: " + lowest + ")");
            }
        }
    }

    private HttpRequest.Builder call(String method, String path) {
        HttpRequest.BodyPublisher body = method.equals("GET") || method.equals("DELETE")
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}");
        return request(path).header("Content-Type", "application/json").method(method, body);
    }
}
