package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.touchpoint.EngineIT;

/** /engine-rest/deployment/create answers a file that is not BPMN XML with 400 and its reason, never 500. */
class DeploymentInputIT extends EngineIT {

    private static final String VALID = """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                id="Defs" targetNamespace="http://touchpoint.io/test">
              <bpmn:process id="deploymentInput" isExecutable="true" camunda:historyTimeToLive="30">
                <bpmn:startEvent id="Start"/>
                <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="End"/>
                <bpmn:endEvent id="End"/>
              </bpmn:process>
            </bpmn:definitions>
            """;

    @Test
    void malformedXmlIsRefusedWith400() {
        HttpResponse<String> response = deploy(VALID.substring(0, VALID.length() / 2).getBytes(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains("not readable BPMN XML");
    }

    @Test
    void anEmptyFileIsRefusedWith400() {
        assertThat(deploy(new byte[0]).statusCode()).isEqualTo(400);
    }

    @Test
    void binaryGarbageAndADoctypeAreRefusedWith400() {
        assertThat(deploy(new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 1, 2, 3, '<', '?'}).statusCode()).isEqualTo(400);
        String doctype = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>" + VALID.substring(VALID.indexOf("<bpmn:definitions"));
        assertThat(deploy(doctype.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
    }

    @Test
    void aReadableBpmnThatBreaksARuleIsStill400AndAValidOneDeploys() {
        assertThat(deploy(VALID.replace("sourceRef=\"Start\"", "sourceRef=\"Nowhere\"").getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
        assertThat(deploy(ModelerBpmn.saved(VALID).getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> deploy(byte[] file) {
        String boundary = "----deploymentInput";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"deployment-name\"\r\n\r\ndeployment-input\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"input.bpmn\"; filename=\"input.bpmn\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(request("/engine-rest/deployment/create").header("Authorization", basic(USER, PASSWORD))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build());
    }
}
