package io.touchpoint.journeys;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.PostConstruct;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.Deployment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Deploys the journeys in {@code workflows/} when the engine starts, one deployment per file: an unchanged file
 * is not deployed again (Camunda's duplicate filtering), and a file that does not parse or whose building
 * blocks are filled in wrongly is refused with the parser's message while the other files, and the running
 * version of that one, go on.
 */
@Component
public class WorkflowDeployer {

    private static final Logger log = LoggerFactory.getLogger(WorkflowDeployer.class);
    static final String DEPLOYMENT_NAME = "touchpoint-workflows";

    /** A file that was refused and why. */
    public record Refused(String file, String reason) {
    }

    private final RepositoryService repository;
    private final ResourcePatternResolver resources;
    private final String location;
    private final List<Refused> refused = new ArrayList<>();

    WorkflowDeployer(RepositoryService repository, ResourcePatternResolver resources,
                     @Value("${touchpoint.folders.workflows}") String location) {
        this.repository = repository;
        this.resources = resources;
        this.location = location;
    }

    @PostConstruct
    void deployWorkflows() throws IOException {
        Resource[] files = resources.getResources(location + "*.bpmn");
        if (files.length == 0) {
            log.warn("No journeys found in {}", location);
        }
        for (Resource file : files) {
            try (InputStream content = file.getInputStream()) {
                deploy(file.getFilename(), content);
            }
        }
    }

    /** Deploys one BPMN file as its own deployment; returns the refusal instead of throwing. */
    public synchronized Optional<Refused> deploy(String fileName, InputStream content) {
        try {
            Deployment deployed = repository.createDeployment()
                    .name(DEPLOYMENT_NAME + "/" + fileName)
                    .source("touchpoint")
                    .enableDuplicateFiltering(true)
                    .addInputStream(fileName, content)
                    .deploy();
            log.info("Journey {} from {}: deployment {}", fileName, location, deployed.getId());
            return java.util.Optional.empty();
        } catch (RuntimeException e) {
            Refused refusal = new Refused(fileName, e.getMessage());
            refused.add(refusal);
            log.error("TP-JOURNEY-003 Journey {} refused, the running version stays: {}", fileName, e.getMessage());
            return java.util.Optional.of(refusal);
        }
    }

    /** The files refused since the start. */
    public synchronized List<Refused> refused() {
        return List.copyOf(refused);
    }
}
