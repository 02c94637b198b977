package io.touchpoint.system;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.mock.env.MockEnvironment;

import io.touchpoint.TouchpointApplication;

/** Development passwords do not reach production: the check runs before anything starts (nothing is started here). */
class ProductionSettingsCheckTest {

    private final ProductionSettingsCheck check = new ProductionSettingsCheck();

    @Test
    void theApplicationWithoutTheDevProfileAndWithoutPasswordsRefusesToStartNamingTheVariable() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(TouchpointApplication.class).profiles("postgres").run("--server.port=0"))
                .hasStackTraceContaining("TOUCHPOINT_ADMIN_PASSWORD is not set: the admin needs a password")
                .hasStackTraceContaining("start with SPRING_PROFILES_ACTIVE=dev");
    }

    @Test
    void aDocumentedDevelopmentPasswordIsRefusedOutsideTheDevProfile() {
        MockEnvironment production = users("s3cret-for-the-admin", "marketer");
        production.setActiveProfiles("postgres");

        assertThatThrownBy(() -> check.postProcessEnvironment(production, null))
                .hasMessageContaining("TOUCHPOINT_MARKETER_PASSWORD is a development password: set another one")
                .hasMessageNotContaining("TOUCHPOINT_ADMIN_PASSWORD");
    }

    @Test
    void setPasswordsStartAndTheDevProfileKeepsItsDocumentedOnes() {
        MockEnvironment production = users("s3cret-for-the-admin", "");
        MockEnvironment development = users("touchpoint", "marketer");
        development.setActiveProfiles("dev", "postgres");

        assertThatCode(() -> check.postProcessEnvironment(production, null)).as("a user without a password is only disabled").doesNotThrowAnyException();
        assertThatCode(() -> check.postProcessEnvironment(development, null)).doesNotThrowAnyException();
    }

    private static MockEnvironment users(String adminPassword, String marketerPassword) {
        return new MockEnvironment()
                .withProperty("touchpoint.security.users[0].name", "admin")
                .withProperty("touchpoint.security.users[0].password", adminPassword)
                .withProperty("touchpoint.security.users[0].roles[0]", "admin")
                .withProperty("touchpoint.security.users[1].name", "marketer")
                .withProperty("touchpoint.security.users[1].password", marketerPassword)
                .withProperty("touchpoint.security.users[1].roles[0]", "marketer");
    }
}
