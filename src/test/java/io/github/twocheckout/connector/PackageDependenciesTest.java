package io.github.twocheckout.connector;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The packages depend on each other one way: a reader can take one package with what is below it,
 * and a change below never needs one above. The shared records (model) and the API's errors (api)
 * depend on nothing else of ours.
 */
class PackageDependenciesTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.github.twocheckout.connector");

    @Test
    void thePackagesHaveNoCycles() {
        slices().matching("io.github.twocheckout.connector.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theSharedRecordsDependOnNothingOfOurs() {
        classes().that().resideInAnyPackage("..connector.model..", "..connector.api..")
                .should().onlyDependOnClassesThat(resideOutsideOfPackage("io.github.twocheckout.connector..")
                        .or(resideInAnyPackage("..connector.model..", "..connector.api..")))
                .check(CLASSES);
    }

    @Test
    void thePanelSendsTestNotificationsWithoutTheSimulator() {
        noClasses().that().resideInAPackage("..connector.panel..")
                .should().dependOnClassesThat().resideInAPackage("..connector.simulator..")
                .check(CLASSES);
    }
}
