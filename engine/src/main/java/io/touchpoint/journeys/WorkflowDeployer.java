package io.touchpoint.journeys;

import java.io.IOException;
import java.io.InputStream;

import jakarta.annotation.PostConstruct;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.ResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Deploys the journeys in {@code workflows/} when the engine starts. Unchanged files are not deployed again
 * (Camunda's duplicate filtering), so a restart does not create new versions.
 */
@Component
public class WorkflowDeployer {

    private static final Logger log = LoggerFactory.getLogger(WorkflowDeployer.class);
    static final String DEPLOYMENT_NAME = "touchpoint-workflows";

    private final RepositoryService repository;
    private final ResourcePatternResolver resources;
    private final String location;

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
            return;
        }
        DeploymentBuilder deployment = repository.createDeployment()
                .name(DEPLOYMENT_NAME)
                .source("touchpoint")
                .enableDuplicateFiltering(true);
        for (Resource file : files) {
            try (InputStream content = file.getInputStream()) {
                deployment.addInputStream(file.getFilename(), content);
            }
        }
        Deployment deployed = deployment.deploy();
        log.info("Journeys from {}: {} file(s), deployment {}", location, files.length, deployed.getId());
    }
}
