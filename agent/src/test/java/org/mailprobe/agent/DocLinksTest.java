package org.mailprobe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product's docs (README.md, docs/*.md) as a reader follows them: every relative link lands on
 * a file, and a section, of this repository, and the design document is cited where it is.
 */
@Timeout(60)
class DocLinksTest {
    /** Surefire runs in the module's directory; the repository is its parent. */
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void everyRelativeLinkInTheReadmeAndDocsResolvesToAFileAndSectionInTheRepository() throws Exception {
        assertEquals(List.of(), DocLinks.brokenLinks(REPO, DocLinks.productDocs(REPO)));
    }

    @Test
    void theReadmeAndDocsCiteTheDesignDocumentByItsPathInTheRepository() throws Exception {
        assertEquals(List.of(), DocLinks.bareDesignCitations(REPO, DocLinks.productDocs(REPO)));
    }

    @Test
    void theDesignDocumentIsInTheRepositoryAndLinkedFromTheReadme() throws Exception {
        assertTrue(Files.isRegularFile(REPO.resolve("docs/DESIGN.md")), "no docs/DESIGN.md");
        assertTrue(Files.readString(REPO.resolve("README.md")).contains("](docs/DESIGN.md"),
                "the README does not link docs/DESIGN.md");
    }

    @Test
    void aLinkToAMissingFileIsReported() throws Exception {
        Path doc = repoWith("See [the notes](docs/NOTES.md).\n");

        assertEquals(List.of("README.md:1: link 'docs/NOTES.md' names no file in the repository (docs/NOTES.md)"),
                DocLinks.brokenLinks(dir, List.of(doc)));
    }

    @Test
    void aLinkLeavingTheRepositoryIsReported() throws Exception {
        Files.writeString(dir.resolve("outside.md"), "# Outside\n");
        Path repo = Files.createDirectories(dir.resolve("repo"));
        Path doc = Files.writeString(repo.resolve("README.md"), "Notes: [here](../outside.md).\n");

        List<String> problems = DocLinks.brokenLinks(repo, List.of(doc));

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("README.md:1: link '../outside.md' points outside the repository"),
                problems.get(0));
    }

    @Test
    void aLinkToAMissingSectionIsReported() throws Exception {
        Files.createDirectories(dir.resolve("docs"));
        Files.writeString(dir.resolve("docs/DESIGN.md"), "# Design\n\n## 2. The three legs\n");
        Path doc = repoWith("Legs: [here](docs/DESIGN.md#2-the-three-legs).\n\nClocks: [there](docs/DESIGN.md#3-clocks).\n");

        assertEquals(List.of("README.md:3: link 'docs/DESIGN.md#3-clocks' names no section '#3-clocks' of "
                + "docs/DESIGN.md"), DocLinks.brokenLinks(dir, List.of(doc)));
    }

    @Test
    void aLinkInACodeBlockIsNotALink() throws Exception {
        Path doc = repoWith("```sh\necho [x](missing.md)\n```\n\nand `[y](missing.md)` inline.\n");

        assertEquals(List.of(), DocLinks.brokenLinks(dir, List.of(doc)));
    }

    @Test
    void aCitationOfTheDesignDocumentByBareNameIsReported() throws Exception {
        Path doc = repoWith("As DESIGN.md section 2 says, and as docs/DESIGN.md says too.\n");

        assertEquals(List.of("README.md:1: cites DESIGN.md without its path (docs/DESIGN.md): "
                + "'As DESIGN.md section 2 says, and as docs/DESIGN.md says too.'"),
                DocLinks.bareDesignCitations(dir, List.of(doc)));
    }

    private Path repoWith(String readme) throws Exception {
        return Files.writeString(dir.resolve("README.md"), readme);
    }
}
