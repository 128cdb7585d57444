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
 * The product's docs (README.md, docs/*.md, and every other Markdown file such as
 * deploy/testbed/README.md) as a reader follows them: every relative link lands on a file, and a
 * section, of this repository, and the design document is cited where it is. The README stays a
 * first screen (its budget, its two set-up commands) from which every topic doc is found.
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
    void everyTopicDocIsLinkedFromTheReadme() throws Exception {
        assertEquals(List.of(), DocLinks.docsNotLinkedFromTheReadme(REPO));
    }

    @Test
    void everyTopicDocLinksBackToTheReadme() throws Exception {
        assertEquals(List.of(), DocLinks.docsWithoutALinkToTheReadme(REPO));
    }

    @Test
    void theReadmeStaysWithinItsBudget() throws Exception {
        assertEquals(List.of(), DocLinks.readmeOverBudget(REPO));
    }

    @Test
    void theReadmeKeepsExactlyTheTwoSetUpCommands() throws Exception {
        assertEquals(List.of(), DocLinks.setupCommandProblems(REPO));
    }

    @Test
    void theOtherMarkdownOfTheRepositoryIsCheckedToo() throws Exception {
        List<Path> docs = DocLinks.productDocs(REPO);

        assertTrue(docs.contains(REPO.resolve("deploy/testbed/README.md")), docs.toString());
        assertTrue(docs.stream().noneMatch(d -> REPO.relativize(d).toString().contains("target")), docs.toString());
    }

    @Test
    void aTopicDocTheReadmeDoesNotLinkIsReported() throws Exception {
        Files.createDirectories(dir.resolve("docs"));
        Files.writeString(dir.resolve("docs/METRICS.md"), "# Metrics\n\nBack to the [README](../README.md).\n");
        Files.writeString(dir.resolve("docs/LOST.md"), "# Lost\n\nBack to the [README](../README.md).\n");
        repoWith("See [the metrics](docs/METRICS.md#metrics) and `docs/LOST.md`.\n");

        assertEquals(List.of("docs/LOST.md: no link of README.md leads to it, so no reader finds it; add it to the"
                + " README's \"Where the rest is\""), DocLinks.docsNotLinkedFromTheReadme(dir));
    }

    @Test
    void aTopicDocWithoutALinkBackToTheReadmeIsReported() throws Exception {
        Files.createDirectories(dir.resolve("docs"));
        Files.writeString(dir.resolve("docs/METRICS.md"), "# Metrics\n\nSee the README.\n");
        repoWith("See [the metrics](docs/METRICS.md).\n");

        assertEquals(List.of("docs/METRICS.md: no link back to README.md; a topic doc says what it is and links back"
                + " in its first paragraph"), DocLinks.docsWithoutALinkToTheReadme(dir));
    }

    @Test
    void aReadmeOverItsBudgetIsReported() throws Exception {
        repoWith("x".repeat((int) DocLinks.README_BUDGET_BYTES) + "\n");

        List<String> problems = DocLinks.readmeOverBudget(dir);

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("README.md is 20481 bytes, over its budget of 20480 (20 KiB, issue 17)"),
                problems.get(0));
    }

    @Test
    void aThirdSetUpCommandIsReported() throws Exception {
        repoWith("# mailprobe\n\n## Set-up\n\n```sh\n" + DocLinks.SETUP_COMMANDS.get(0) + "\n```\n\n```sh\n"
                + DocLinks.SETUP_COMMANDS.get(1) + "\n```\n\n```sh\nsudo apt-get install -y chromium\n```\n\n"
                + "## Commands\n\n```sh\njava -jar agent/target/mailprobe.jar probe --help\n```\n");

        List<String> problems = DocLinks.setupCommandProblems(dir);

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("README.md:3: the set-up section has 3 command(s) "), problems.get(0));
    }

    @Test
    void aChangedSetUpCommandIsReported() throws Exception {
        repoWith("## Set-up\n\n```sh\n" + DocLinks.SETUP_COMMANDS.get(0) + "\n```\n\n```sh\nmvn -B verify\n```\n");

        List<String> problems = DocLinks.setupCommandProblems(dir);

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("README.md:1: the set-up section has 2 command(s) ["
                + DocLinks.SETUP_COMMANDS.get(0) + ", mvn -B verify]; it must have exactly the two"), problems.get(0));
    }

    @Test
    void aBrokenLinkInAnotherMarkdownFileIsReported() throws Exception {
        Files.createDirectories(dir.resolve("docs"));
        Files.createDirectories(dir.resolve("deploy/testbed"));
        Files.createDirectories(dir.resolve("agent/target"));
        repoWith("# mailprobe\n");
        Files.writeString(dir.resolve("deploy/testbed/README.md"), "See [how it measures](../../docs/MEASURING.md).\n");
        Files.writeString(dir.resolve("agent/target/NOTES.md"), "Build output: [gone](missing.md).\n");

        assertEquals(List.of("deploy/testbed/README.md:1: link '../../docs/MEASURING.md' names no file in the"
                + " repository (docs/MEASURING.md)"), DocLinks.brokenLinks(dir, DocLinks.productDocs(dir)));
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
