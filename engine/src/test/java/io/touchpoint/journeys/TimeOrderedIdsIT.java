package io.touchpoint.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.repository.Deployment;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.touchpoint.EngineIT;

/** The engine makes its ids with {@link TimeOrderedIds}: the shipped journeys' deployments carry version 7 UUIDs. */
class TimeOrderedIdsIT extends EngineIT {

    @Autowired
    ProcessEngine engine;

    @Test
    void theEngineMakesTimeOrderedIds() {
        assertThat(((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration()).getIdGenerator()).isInstanceOf(TimeOrderedIds.class);
        Deployment deployed = engine.getRepositoryService().createDeploymentQuery().list().get(0);
        assertThat(UUID.fromString(deployed.getId()).version()).as("id of deployment %s", deployed.getId()).isEqualTo(7);
    }
}
