package org.mailprobe.probes.received;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The Received corpus in {@code src/test/resources/received/}: one {@code NAME.txt} per sample (a
 * message's header block as a mail store holds it) beside its {@code NAME.expected} (the hops,
 * oldest first). {@code SOURCES.md} there says where each sample comes from.
 */
public final class ReceivedCorpus {
    static final String DIR = "/received/";

    private ReceivedCorpus() {}

    /** The sample names (without {@code .txt}), sorted. */
    public static List<String> names() {
        URL dir = ReceivedCorpus.class.getResource(DIR);
        if (dir == null) {
            throw new IllegalStateException("corpus directory missing from the test classpath");
        }
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot list the corpus", e);
        }
    }

    public static String text(String file) {
        try (InputStream in = ReceivedCorpus.class.getResourceAsStream(DIR + file)) {
            if (in == null) {
                throw new IllegalStateException("no corpus file " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The Received values of a header block, newest first, folded as a mail store returns them
     * (continuation lines joined with CRLF): what {@code Part.getHeader("Received")} gives. Other
     * fields are skipped; an empty line ends the header block.
     */
    public static List<String> receivedValues(String headerBlock) {
        List<String> values = new ArrayList<>();
        StringBuilder current = null;
        for (String line : headerBlock.split("\n", -1)) {
            String l = line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            if (l.isEmpty()) {
                break;
            }
            boolean continuation = l.charAt(0) == ' ' || l.charAt(0) == '\t';
            if (continuation) {
                if (current != null) {
                    current.append("\r\n").append(l);
                }
                continue;
            }
            if (current != null) {
                values.add(current.toString());
                current = null;
            }
            if (l.toLowerCase(Locale.ROOT).startsWith("received:")) {
                current = new StringBuilder(l.substring("received:".length()).stripLeading());
            }
        }
        if (current != null) {
            values.add(current.toString());
        }
        return values;
    }
}
