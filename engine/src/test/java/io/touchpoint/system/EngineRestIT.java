package io.touchpoint.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.touchpoint.EngineIT;
import io.touchpoint.journeys.ModelerBpmn;

/** Camunda Modeler's Deploy button: a multipart POST to /engine-rest/deployment/create with HTTP Basic. */
class EngineRestIT extends EngineIT {

    @Autowired
    RepositoryService repository;

    @Test
    void modelerDeployWithCredentialsDeploysTheProcess() {
        HttpResponse<String> response = send(deployment("modeler-deploy").header("Authorization", basic(USER, PASSWORD)).build());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"deployedProcessDefinitions\"").contains("modelerDeployed");
        assertThat(repository.createProcessDefinitionQuery().processDefinitionKey("modelerDeployed").count()).isOne();
    }

    @Test
    void deployWithoutCredentialsIsRefusedWith401() {
        HttpResponse<String> response = send(deployment("anonymous-deploy").build());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(repository.createDeploymentQuery().deploymentName("anonymous-deploy").count()).isZero();
    }

    @Test
    void theEngineRestApiAnswersReadsWithCredentialsOnly() {
        assertThat(get("/engine-rest/process-definition?key=abandonedCart").body()).contains("\"key\":\"abandonedCart\"");
        assertThat(send(request("/engine-rest/process-definition").GET().build()).statusCode()).isEqualTo(401);
    }

    /** The request Camunda Modeler sends: multipart form with deployment-name, deployment-source and the file. */
    private HttpRequest.Builder deployment(String name) {
        String boundary = "----modeler" + UUID.randomUUID();
        String bpmn = ModelerBpmn.saved(Bpmn.createExecutableProcess("modelerDeployed").camundaHistoryTimeToLive(30)
                .startEvent().userTask("Review").endEvent().done());
        String body = part(boundary, "deployment-name", null, name)
                + part(boundary, "deployment-source", null, "Camunda Modeler")
                + part(boundary, "deploy-changed-only", null, "true")
                + part(boundary, "modeler-deployed.bpmn", "modeler-deployed.bpmn", bpmn)
                + "--" + boundary + "--\r\n";
        return request("/engine-rest/deployment/create")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }

    private static String part(String boundary, String name, String filename, String content) {
        return "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"" + name + "\"" + (filename != null ? "; filename=\"" + filename + "\"" : "") + "\r\n"
                + (filename != null ? "Content-Type: application/octet-stream\r\n" : "")
                + "\r\n" + content + "\r\n";
    }
}
