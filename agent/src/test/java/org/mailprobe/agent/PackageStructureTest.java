package org.mailprobe.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The agent's rooms (config, runtime, journal, report, web, metrics...) lean on each other without
 * a loop, and on the probes library only through its public face: never on its
 * {@code org.mailprobe.probes.internal} plumbing, which may change under them.
 */
@Timeout(120)
class PackageStructureTest {
    static final JavaClasses AGENT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.mailprobe.agent");

    @Test
    void theAgentUsesNothingOfTheProbesLibraryMarkedInternal() {
        noClasses().that().resideInAPackage("org.mailprobe.agent..")
                .should().dependOnClassesThat().resideInAPackage("org.mailprobe.probes.internal..")
                .check(AGENT);
    }

    @Test
    void noTwoPackagesOfTheAgentDependOnEachOtherRoundALoop() {
        slices().matching("org.mailprobe.agent.(*)..").should().beFreeOfCycles().check(AGENT);
    }

    @Test
    void everyPackageOfBothModulesSaysWhatItIsForInAPackageInfo() throws IOException {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        List<String> without = new ArrayList<>();
        for (String module : List.of("probes", "agent")) {
            Path sources = repo.resolve(module).resolve("src/main/java");
            try (Stream<Path> dirs = Files.walk(sources)) {
                for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                    if (hasJavaFile(dir) && !Files.isRegularFile(dir.resolve("package-info.java"))) {
                        without.add(sources.relativize(dir).toString().replace('/', '.'));
                    }
                }
            }
        }
        assertEquals(List.of(), without, "packages without a package-info.java");
    }

    private static boolean hasJavaFile(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".java"));
        }
    }

    @Test
    void theClassesAreReallyThere() {
        // An import that found nothing would pass every rule above.
        assertTrue(AGENT.size() > 100, "classes imported: " + AGENT.size());
    }
}
