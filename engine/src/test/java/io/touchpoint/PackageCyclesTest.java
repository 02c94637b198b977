package io.touchpoint;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The feature packages (events, profiles, journeys, decisions, channels, console, system) form no import cycle:
 * where a lower feature needs a higher one, it owns an interface the higher one implements
 * ({@code events.EventDispatch}, {@code profiles.CustomerRuns}, {@code system.MachineAuthentication}). The
 * compiled main classes only, no Spring.
 */
class PackageCyclesTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.touchpoint");

    @Test
    void theFeaturePackagesFormNoCycle() {
        slices().matching("io.touchpoint.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    /** The engine seam (docs/upgrade-path.md): Camunda's internal classes only in journeys, its public API also in the console. */
    @Test
    void onlyTheJourneysReachIntoTheEnginesInternals() {
        noClasses().that().resideOutsideOfPackage("io.touchpoint.journeys..")
                .should().dependOnClassesThat().resideInAPackage("org.camunda.bpm.engine.impl..").check(MAIN);
        noClasses().that().resideOutsideOfPackages("io.touchpoint.journeys..", "io.touchpoint.console..")
                .should().dependOnClassesThat().resideInAPackage("org.camunda..").check(MAIN);
    }
}
