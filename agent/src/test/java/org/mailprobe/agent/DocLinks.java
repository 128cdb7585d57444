package org.mailprobe.agent;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.commonmark.ext.heading.anchor.IdGenerator;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.SourceSpan;
import org.commonmark.node.Text;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.text.TextContentRenderer;

/**
 * What a reader of the product's Markdown docs meets when following a relative link: the file must
 * be in the repository and a {@code #section} must be one of its headings (GitHub's anchors). A
 * Markdown parser finds the links, so links in code blocks and inline code are not taken for links.
 * And what a newcomer meets first (issue 17): a README within its budget, with exactly the two
 * set-up commands, from which every topic doc under docs/ can be found, and back.
 */
final class DocLinks {
    /**
     * The README's size budget. Issue 17: the README holds only what a user needs first (what it is,
     * the two set-up commands, a first config, the commands, where the rest is); it had grown to
     * 132 KB of benchmark tables and design reasoning that a user looking for a route's config
     * scrolled past.
     */
    static final long README_BUDGET_BYTES = 20 * 1024;

    /** The README's two set-up commands, verbatim: .ci/run runs the second in its two steps. */
    static final List<String> SETUP_COMMANDS = List.of(
            "mvn -B -q package -DskipTests && java -jar agent/target/mailprobe.jar demo",
            "bash deploy/install-test-deps.sh && mvn -B verify");

    /** A citation of the design document by bare name, which a reader cannot find. */
    private static final Pattern BARE_DESIGN = Pattern.compile("(?<!docs/)(?<![\\w/.-])DESIGN\\.md");
    private static final Parser PARSER = Parser.builder().includeSourceSpans(IncludeSourceSpans.BLOCKS_AND_INLINES)
            .build();

    private DocLinks() {}

    /**
     * README.md, every docs/*.md, then every other Markdown file of the repository at {@code root}
     * (deploy/testbed/README.md, ...): all but build output ({@code target/}) and hidden directories.
     */
    static List<Path> productDocs(Path root) throws IOException {
        List<Path> all = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                boolean skipped = !dir.equals(root) && (name.equals("target") || name.startsWith("."));
                return skipped ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && file.getFileName().toString().endsWith(".md")) {
                    all.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        Path readme = root.resolve("README.md");
        List<Path> docs = new ArrayList<>();
        docs.add(readme);
        all.stream().filter(p -> isTopicDoc(root, p)).sorted().forEach(docs::add);
        all.stream().filter(p -> !p.equals(readme) && !isTopicDoc(root, p)).sorted().forEach(docs::add);
        return docs;
    }

    /** Every docs/*.md that no link of the README leads to, one sentence each. */
    static List<String> docsNotLinkedFromTheReadme(Path root) throws IOException {
        Path readme = root.resolve("README.md");
        Set<Path> linked = linkedFiles(readme);
        List<String> problems = new ArrayList<>();
        for (Path doc : topicDocs(root)) {
            if (!linked.contains(doc.toRealPath())) {
                problems.add(root.relativize(doc) + ": no link of README.md leads to it, so no reader finds it;"
                        + " add it to the README's \"Where the rest is\"");
            }
        }
        return problems;
    }

    /** Every docs/*.md without a link back to the README, one sentence each. */
    static List<String> docsWithoutALinkToTheReadme(Path root) throws IOException {
        Path readme = root.resolve("README.md").toRealPath();
        List<String> problems = new ArrayList<>();
        for (Path doc : topicDocs(root)) {
            if (!linkedFiles(doc).contains(readme)) {
                problems.add(root.relativize(doc) + ": no link back to README.md; a topic doc says what it is"
                        + " and links back in its first paragraph");
            }
        }
        return problems;
    }

    /** A sentence if the README is over {@link #README_BUDGET_BYTES}, else nothing. */
    static List<String> readmeOverBudget(Path root) throws IOException {
        long size = Files.size(root.resolve("README.md"));
        if (size <= README_BUDGET_BYTES) {
            return List.of();
        }
        return List.of("README.md is " + size + " bytes, over its budget of " + README_BUDGET_BYTES
                + " (20 KiB, issue 17): the README holds only what a user needs first; move the rest into"
                + " a topic doc under docs/ and link it from the README's \"Where the rest is\"");
    }

    /**
     * A sentence if the README's set-up section (the heading that starts with "Set-up") does not hold
     * exactly {@link #SETUP_COMMANDS}, one command per line of its code blocks, else nothing.
     */
    static List<String> setupCommandProblems(Path root) throws IOException {
        Node readme = parse(root.resolve("README.md"));
        Heading setup = null;
        List<String> commands = new ArrayList<>();
        for (Node node = readme.getFirstChild(); node != null; node = node.getNext()) {
            if (node instanceof Heading heading) {
                if (setup != null && heading.getLevel() <= setup.getLevel()) {
                    break;
                }
                if (setup == null && plainText(heading).startsWith("Set-up")) {
                    setup = heading;
                }
            } else if (setup != null && node instanceof FencedCodeBlock block) {
                block.getLiteral().lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(commands::add);
            }
        }
        if (setup == null) {
            return List.of("README.md has no set-up section (a heading that starts with \"Set-up\")");
        }
        if (commands.equals(SETUP_COMMANDS)) {
            return List.of();
        }
        return List.of("README.md:" + line(setup) + ": the set-up section has " + commands.size() + " command(s) "
                + commands + "; it must have exactly the two " + SETUP_COMMANDS
                + " (build and run the demo; run the tests), verbatim: .ci/run runs the second");
    }

    private static boolean isTopicDoc(Path root, Path file) {
        return file.getParent() != null && file.getParent().equals(root.resolve("docs"))
                && file.getFileName().toString().endsWith(".md");
    }

    private static List<Path> topicDocs(Path root) throws IOException {
        Path docs = root.resolve("docs");
        if (!Files.isDirectory(docs)) {
            return List.of();
        }
        try (var s = Files.list(docs)) {
            return s.filter(p -> isTopicDoc(root, p)).sorted().toList();
        }
    }

    /** The files (real paths) that the relative links of {@code doc} lead to, sections left aside. */
    private static Set<Path> linkedFiles(Path doc) throws IOException {
        Set<Path> files = new HashSet<>();
        Path dir = doc.toRealPath().getParent();
        parse(doc).accept(new AbstractVisitor() {
            @Override
            public void visit(Link link) {
                try {
                    URI uri = new URI(link.getDestination());
                    if (uri.getScheme() == null && uri.getPath() != null && !uri.getPath().isEmpty()) {
                        Path target = dir.resolve(uri.getPath()).normalize();
                        if (Files.exists(target)) {
                            files.add(target.toRealPath());
                        }
                    }
                } catch (URISyntaxException | IOException e) {
                    // not a link to a file of the repository; brokenLinks reports it
                }
                visitChildren(link);
            }
        });
        return files;
    }

    private static String plainText(Node node) {
        return TextContentRenderer.builder().build().render(node).strip();
    }

    /** Every broken relative link in {@code docs}, one sentence each naming file, line and what is wrong. */
    static List<String> brokenLinks(Path root, List<Path> docs) throws IOException {
        List<String> problems = new ArrayList<>();
        Path repo = root.toRealPath();
        for (Path doc : docs) {
            String where = repo.relativize(doc.toRealPath()).toString();
            parse(doc).accept(new AbstractVisitor() {
                @Override
                public void visit(Link link) {
                    String problem = check(repo, doc, link.getDestination());
                    if (problem != null) {
                        problems.add(where + ":" + line(link) + ": link '" + link.getDestination() + "' " + problem);
                    }
                    visitChildren(link);
                }
            });
        }
        return problems;
    }

    /** Every mention of {@code DESIGN.md} without the path that finds it in the repository. */
    static List<String> bareDesignCitations(Path root, List<Path> docs) throws IOException {
        List<String> problems = new ArrayList<>();
        Path repo = root.toRealPath();
        for (Path doc : docs) {
            String where = repo.relativize(doc.toRealPath()).toString();
            parse(doc).accept(new AbstractVisitor() {
                @Override
                public void visit(Text text) {
                    note(text, text.getLiteral());
                }

                @Override
                public void visit(Code code) {
                    note(code, code.getLiteral());
                }

                private void note(Node node, String literal) {
                    if (BARE_DESIGN.matcher(literal).find()) {
                        problems.add(where + ":" + line(node) + ": cites DESIGN.md without its path (docs/DESIGN.md): '"
                                + literal.strip() + "'");
                    }
                }
            });
        }
        return problems;
    }

    private static Node parse(Path doc) throws IOException {
        return PARSER.parse(Files.readString(doc, StandardCharsets.UTF_8));
    }

    /** Null if {@code destination} resolves, else what is wrong with it. */
    private static String check(Path repo, Path doc, String destination) {
        URI uri;
        try {
            uri = new URI(destination);
        } catch (URISyntaxException e) {
            return "is not a valid link: " + e.getReason();
        }
        if (uri.getScheme() != null) {
            return null; // http(s), mailto: outside the repository by intent, not checked here
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        Path target;
        try {
            target = path.isEmpty() ? doc.toRealPath()
                    : (path.startsWith("/") ? repo.resolve(path.substring(1)) : doc.toRealPath().getParent().resolve(path))
                            .normalize();
        } catch (IOException e) {
            return "cannot be resolved: " + e.getMessage();
        }
        if (!target.startsWith(repo)) {
            return "points outside the repository (" + target + ")";
        }
        if (!Files.exists(target)) {
            return "names no file in the repository (" + repo.relativize(target) + ")";
        }
        String fragment = uri.getFragment();
        if (fragment != null && target.getFileName().toString().endsWith(".md")) {
            try {
                if (!anchors(target).contains(fragment)) {
                    return "names no section '#" + fragment + "' of " + repo.relativize(target);
                }
            } catch (IOException e) {
                return "cannot be read: " + e.getMessage();
            }
        }
        return null;
    }

    /** The anchors GitHub gives the headings of {@code markdown}. */
    static Set<String> anchors(Path markdown) throws IOException {
        Set<String> anchors = new HashSet<>();
        IdGenerator ids = IdGenerator.builder().build();
        TextContentRenderer text = TextContentRenderer.builder().build();
        parse(markdown).accept(new AbstractVisitor() {
            @Override
            public void visit(Heading heading) {
                anchors.add(ids.generateId(text.render(heading).strip()));
            }
        });
        return anchors;
    }

    private static int line(Node node) {
        List<SourceSpan> spans = node.getSourceSpans();
        return spans.isEmpty() ? 0 : spans.get(0).getLineIndex() + 1;
    }
}
