package org.mailprobe.probes.filter;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.mailprobe.probes.internal.MailSessions;

/**
 * Where samples come from: the built-ins by variant name, and a customer's corpus, a directory
 * whose sub-directories {@code virus/}, {@code spam/} and {@code clean/} hold RFC 5322 messages as
 * {@code .eml} files (the kind is the sub-directory; anything else there is ignored).
 */
public final class SampleCorpus {
    /** Every built-in variant, in the order a route sends them by default. */
    public static final List<String> BUILT_IN_VARIANTS = List.of("eicar", "eicar-zip", "eicar-nested-zip",
            "eicar-inline-base64", "eicar-multipart-alternative", "gtube", "clean");
    /** A corpus sample's variant is this prefix and its file name. */
    public static final String CORPUS_PREFIX = "corpus:";
    /** Larger files are refused: a sample is a message, and every one is held in memory. */
    public static final long MAX_FILE_BYTES = 10L * 1024 * 1024;

    private static final String SUFFIX = ".eml";
    private static final int MAX_NAME_LENGTH = 200;
    /** An RFC 5322 field name (printable ASCII but the colon) and its colon. */
    private static final Pattern FIELD = Pattern.compile("[!-9;-~]+[ \\t]*:.*", Pattern.DOTALL);

    private SampleCorpus() {}

    /** The built-in samples named, in the order given; IllegalArgumentException naming an unknown variant. */
    public static List<FilterSample> builtIns(List<String> variants) {
        List<FilterSample> samples = new ArrayList<>();
        for (String variant : variants) {
            samples.add(BuiltInSamples.of(variant));
        }
        return List.copyOf(samples);
    }

    /**
     * The samples in {@code dir}: virus, then spam, then clean, each by file name. A missing
     * sub-directory has no samples, an empty corpus is fine. Each file is read and parsed once,
     * here; a file over {@link #MAX_FILE_BYTES}, or that is not a parseable message, or whose name
     * appears under two kinds, is an error naming it.
     */
    public static List<FilterSample> load(Path dir) throws SampleCorpusException {
        if (!Files.isDirectory(dir)) {
            throw new SampleCorpusException(dir.toString(), "is not a directory");
        }
        List<FilterSample> samples = new ArrayList<>();
        Map<String, Path> seen = new HashMap<>();
        for (SampleKind kind : SampleKind.values()) {
            Path sub = dir.resolve(kind.label());
            if (!Files.isDirectory(sub)) {
                continue;
            }
            for (Path file : emlFiles(sub)) {
                String name = file.getFileName().toString();
                Path other = seen.putIfAbsent(name, file);
                if (other != null) {
                    throw new SampleCorpusException(file.toString(), "has the same file name as " + other
                            + ", and a sample's variant is its file name: rename one");
                }
                samples.add(new FilterSample(kind, CORPUS_PREFIX + name, new CorpusTemplate(read(file))));
            }
        }
        return List.copyOf(samples);
    }

    private static List<Path> emlFiles(Path sub) throws SampleCorpusException {
        try (Stream<Path> entries = Files.list(sub)) {
            return entries.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(SUFFIX))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new SampleCorpusException(sub.toString(), "cannot be listed: " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file) throws SampleCorpusException {
        String name = file.getFileName().toString();
        // The name goes into the subject line: no control characters, nothing a header cannot hold.
        if (name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            throw new SampleCorpusException(file.toString(), "the file name must be at most " + MAX_NAME_LENGTH
                    + " characters without control characters");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            // Read one byte more than allowed, so a file that grew since it was listed is still refused.
            bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
        } catch (IOException e) {
            throw new SampleCorpusException(file.toString(), "cannot be read: " + e.getMessage(), e);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new SampleCorpusException(file.toString(), "is larger than " + MAX_FILE_BYTES + " bytes");
        }
        checkHeader(file, bytes);
        try {
            MimeMessage message = new MimeMessage(MailSessions.offline(), new ByteArrayInputStream(bytes));
            walk(message);
        } catch (MessagingException | IOException | RuntimeException e) {
            throw new SampleCorpusException(file.toString(), "is not a parseable message: " + e.getMessage(), e);
        }
        return bytes;
    }

    /**
     * Jakarta Mail parses nearly anything as a message (a text file becomes one header without a
     * colon), so the header block is checked first: every line up to the first empty one a field
     * or a folded continuation, and at least one field.
     */
    private static void checkHeader(Path file, byte[] bytes) throws SampleCorpusException {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int fields = 0;
        int lineNumber = 0;
        for (int start = 0; start < text.length(); ) {
            int end = text.indexOf('\n', start);
            end = end < 0 ? text.length() : end;
            String line = text.substring(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end);
            start = end + 1;
            lineNumber++;
            if (line.isEmpty()) {
                break;
            }
            boolean continuation = line.charAt(0) == ' ' || line.charAt(0) == '\t';
            if (continuation && fields > 0) {
                continue;
            }
            if (continuation || !FIELD.matcher(line).matches()) {
                throw new SampleCorpusException(file.toString(), "is not a message: line " + lineNumber
                        + " is not a header field" + (line.startsWith("From ") ? " (an mbox \"From \" line?)" : ""));
            }
            fields++;
        }
        if (fields == 0) {
            throw new SampleCorpusException(file.toString(), "is not a message: it has no header fields");
        }
    }

    /** Parses every multipart (and attached message) down to its leaves: a broken structure throws here. */
    private static void walk(Part part) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                walk(child);
            }
        } else if (part.isMimeType("message/rfc822")) {
            Object inner = part.getContent();
            if (inner instanceof Part) {
                walk((Part) inner);
            }
        }
    }
}
