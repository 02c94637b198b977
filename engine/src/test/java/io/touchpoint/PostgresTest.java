package io.touchpoint;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * An {@link EngineIT} on the {@code postgres} profile against the PostgreSQL server of this machine (database
 * {@code touchpoint_it}, made afresh by {@code .ci/run}; {@code TOUCHPOINT_IT_DB_URL} points elsewhere). All such
 * tests share one Spring context whose Camunda engine has a name of its own, so the engine REST API of the H2
 * context keeps finding its own engine under the name "default".
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ActiveProfiles({"dev", "test", "postgres"})
@TestPropertySource(properties = {
        "spring.datasource.url=${TOUCHPOINT_IT_DB_URL:jdbc:postgresql://127.0.0.1:5432/touchpoint_it}",
        "camunda.bpm.process-engine-name=postgresIt"})
public @interface PostgresTest {
}
