package org.mailprobe.agent;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.commonmark.ext.heading.anchor.IdGenerator;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
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
 */
final class DocLinks {
    /** A citation of the design document by bare name, which a reader cannot find. */
    private static final Pattern BARE_DESIGN = Pattern.compile("(?<!docs/)(?<![\\w/.-])DESIGN\\.md");
    private static final Parser PARSER = Parser.builder().includeSourceSpans(IncludeSourceSpans.BLOCKS_AND_INLINES)
            .build();

    private DocLinks() {}

    /** README.md and every docs/*.md of the repository at {@code root}. */
    static List<Path> productDocs(Path root) throws IOException {
        List<Path> docs = new ArrayList<>();
        docs.add(root.resolve("README.md"));
        try (var s = Files.list(root.resolve("docs"))) {
            s.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
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
