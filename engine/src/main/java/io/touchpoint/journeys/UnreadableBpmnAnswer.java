package io.touchpoint.journeys;

import java.io.IOException;
import java.util.Map;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.rest.exception.ProcessEngineExceptionHandler;
import org.springframework.boot.autoconfigure.jersey.ResourceConfigCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.xml.sax.SAXException;

/**
 * The Camunda REST API's answer to a deployment whose file is not XML at all (empty, truncated, binary, a DTD):
 * 400 with the parser's reason, as for a BPMN that parses but breaks a rule, instead of Camunda's 500. Every other
 * engine exception is answered as Camunda answers it. It keeps Camunda's error shape ({@code type}, {@code message})
 * rather than a problem detail, because Camunda Modeler and Camunda 7 clients read that shape from {@code /engine-rest}.
 */
public class UnreadableBpmnAnswer implements ExceptionMapper<ProcessEngineException> {

    private final ProcessEngineExceptionHandler camunda = new ProcessEngineExceptionHandler();

    @Override
    public Response toResponse(ProcessEngineException exception) {
        for (Throwable cause = exception.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof SAXException || cause instanceof IOException) { // not XML, or not in its declared encoding
                return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON_TYPE)
                        .entity(Map.of("type", "ParseException", "message", "the file is not readable BPMN XML: " + exception.getMessage()))
                        .build();
            }
        }
        return camunda.toResponse(exception);
    }

    /** Registers the answer with the Camunda REST API's Jersey application, ahead of Camunda's own handler. */
    @Configuration
    static class Registration {

        @Bean
        ResourceConfigCustomizer unreadableBpmnAnswer() {
            return config -> config.register(new UnreadableBpmnAnswer(), 1);
        }
    }
}
