package org.mailprobe.probes;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The probes library's rooms and the arrows between them, read from the compiled classes: the
 * vocabulary at the root leans on no room, and no two rooms lean on each other, directly or round
 * a loop. A new arrow that closes a loop fails here, naming the classes that draw it.
 */
@Timeout(120)
class PackageStructureTest {
    static final String ROOT = "org.mailprobe.probes";

    static final JavaClasses PROBES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    /** Each package is a slice, the root package included (ArchUnit's "(*).." patterns leave it out). */
    static final SliceAssignment BY_PACKAGE = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String pkg = javaClass.getPackageName();
            if (pkg.equals(ROOT)) {
                return SliceIdentifier.of("(root)");
            }
            if (pkg.startsWith(ROOT + ".")) {
                return SliceIdentifier.of(pkg.substring(ROOT.length() + 1).split("\\.")[0]);
            }
            return SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "packages of " + ROOT;
        }
    };

    @Test
    void noTwoPackagesDependOnEachOtherRoundALoop() {
        slices().assignedFrom(BY_PACKAGE).should().beFreeOfCycles().check(PROBES);
    }

    @Test
    void theVocabularyAtTheRootDependsOnNoOtherPackageOfTheLibrary() {
        noClasses().that().resideInAPackage(ROOT)
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".(**)")
                .check(PROBES);
    }

    @Test
    void thePlumbingUnderInternalDependsOnlyOnTheVocabulary() {
        noClasses().that().resideInAPackage(ROOT + ".internal..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT + ".submit..", ROOT + ".sink..",
                        ROOT + ".watch..", ROOT + ".webmail..", ROOT + ".received..", ROOT + ".reachability..",
                        ROOT + ".token..", ROOT + ".oauth..")
                .check(PROBES);
    }

    @Test
    void theClassesAreReallyThere() {
        // An import that found nothing would pass every rule above.
        org.junit.jupiter.api.Assertions.assertTrue(PROBES.size() > 90, "classes imported: " + PROBES.size());
    }
}
