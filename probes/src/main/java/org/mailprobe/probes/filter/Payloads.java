package org.mailprobe.probes.filter;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.mailprobe.probes.internal.MailSessions;

/**
 * A sample's payload, and whether a delivered message still carries it. The message is taken
 * apart the way a mail client (or a virus scanner) would: MIME parts decoded, attached messages
 * opened (SpamAssassin's {@code report_safe} wraps the original so), zips unpacked, zips inside
 * them too. Every binary leaf of the sample must come back with the same digest; every text leaf
 * must still be found, whitespace aside, in a text of the delivered message (a filter may add a
 * banner or re-wrap lines; it must not remove the text).
 */
final class Payloads {
    /** Zips inside zips: EICAR's nested variant needs two; more is a zip bomb's business. */
    static final int MAX_ZIP_DEPTH = 4;
    /** MIME nesting (multiparts, attached messages). */
    static final int MAX_MIME_DEPTH = 16;
    /** Leaves of one message, zip entries included. */
    static final int MAX_LEAVES = 500;
    /** One leaf, decoded or unzipped. */
    static final int MAX_LEAF_BYTES = 8 * 1024 * 1024;
    /** All leaves of one message together: a zip bomb stops here. */
    static final long MAX_TOTAL_BYTES = 32L * 1024 * 1024;

    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    /** What a sample was sent with: digests of its binary leaves, and its texts (normalized). */
    record Expected(Set<String> digests, List<String> texts) {}

    private Payloads() {}

    /**
     * The payload of a sample's template, as it goes on the wire: a message just built has no
     * Content-Type headers yet (they are written by saveChanges) and its parts are still objects.
     */
    static Expected of(MimeMessage template) throws MessagingException, IOException {
        return of(template, true);
    }

    /**
     * As {@link #of(MimeMessage)}; without {@code bodyTexts}, only attachments count (a text part
     * with a file name or attachment disposition, any binary part): a customer's corpus message
     * may have an HTML body that a provider rewrites (links, banners) without removing anything.
     */
    static Expected of(MimeMessage template, boolean bodyTexts) throws MessagingException, IOException {
        template.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        template.writeTo(out);
        MimeMessage sent = new MimeMessage(MailSessions.session(new Properties()),
                new ByteArrayInputStream(out.toByteArray()));
        Leaves leaves = new Leaves(bodyTexts);
        leaves.walk(sent, 0);
        return new Expected(Set.copyOf(leaves.binaryDigests), List.copyOf(leaves.expectedTexts));
    }

    static boolean intact(Expected expected, Part delivered) throws MessagingException, IOException {
        Leaves leaves = new Leaves(true);
        leaves.walk(delivered, 0);
        if (!leaves.allDigests.containsAll(expected.digests())) {
            return false;
        }
        for (String text : expected.texts()) {
            if (leaves.allTexts.stream().noneMatch(t -> t.contains(text))) {
                return false;
            }
        }
        return true;
    }

    /** What a template's leaf must be found as in the delivered message. */
    private enum Expect {
        /** Its bytes, exactly. */
        DIGEST,
        /** Its text, whitespace aside, within a delivered text. */
        TEXT,
        /** Nothing: a corpus message's body text. */
        NOTHING
    }

    private static final class Leaves {
        final Set<String> binaryDigests = new HashSet<>();
        final List<String> expectedTexts = new ArrayList<>();
        final Set<String> allDigests = new HashSet<>();
        final List<String> allTexts = new ArrayList<>();
        final boolean bodyTexts;
        int count;
        long total;

        Leaves(boolean bodyTexts) {
            this.bodyTexts = bodyTexts;
        }

        void walk(Part part, int depth) throws MessagingException, IOException {
            if (depth > MAX_MIME_DEPTH) {
                throw new IOException("MIME parts nested deeper than " + MAX_MIME_DEPTH);
            }
            if (part.isMimeType("multipart/*")) {
                Object content = part.getContent();
                if (content instanceof Multipart) {
                    Multipart multi = (Multipart) content;
                    for (int i = 0; i < multi.getCount(); i++) {
                        BodyPart child = multi.getBodyPart(i);
                        walk(child, depth + 1);
                    }
                    return;
                }
            }
            if (part.isMimeType("message/rfc822")) {
                Object content = part.getContent();
                if (content instanceof Part) {
                    walk((Part) content, depth + 1);
                    return;
                }
            }
            byte[] bytes;
            try (InputStream in = part.getInputStream()) {
                bytes = read(in);
            }
            if (part.isMimeType("text/*")) {
                String text = text(part, bytes);
                leaf(bytes, normalize(text), bodyTexts || attachment(part) ? Expect.TEXT : Expect.NOTHING, 0);
            } else {
                leaf(bytes, null, Expect.DIGEST, 0);
            }
        }

        private void leaf(byte[] bytes, @org.jspecify.annotations.Nullable String text, Expect expect, int zipDepth)
                throws IOException {
            if (++count > MAX_LEAVES) {
                throw new IOException("more than " + MAX_LEAVES + " parts and zip entries");
            }
            total += bytes.length;
            if (total > MAX_TOTAL_BYTES) {
                throw new IOException("more than " + MAX_TOTAL_BYTES + " bytes of parts and zip entries");
            }
            if (startsWith(bytes, ZIP_MAGIC) && zipDepth < MAX_ZIP_DEPTH) {
                unzip(bytes, zipDepth + 1);
                return;
            }
            String digest = digest(bytes);
            allDigests.add(digest);
            // A binary part decoded as Latin-1: EICAR sent as an octet-stream part can still be
            // found in a text the filter left (and a text sent as such, in a part relabelled binary).
            String asText = text != null ? text : normalize(new String(bytes, StandardCharsets.ISO_8859_1));
            allTexts.add(asText);
            if (expect == Expect.TEXT && !asText.isEmpty()) {
                expectedTexts.add(asText);
            } else if (expect == Expect.DIGEST) {
                binaryDigests.add(digest);
            }
        }

        private void unzip(byte[] zip, int zipDepth) throws IOException {
            try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
                for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                    if (!e.isDirectory()) {
                        leaf(read(in), null, Expect.DIGEST, zipDepth);
                    }
                }
            }
        }
    }

    private static boolean attachment(Part part) throws MessagingException {
        return part.getFileName() != null || Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition());
    }

    /** A text part's text in its charset; one the JVM does not know is read as UTF-8. */
    private static String text(Part part, byte[] bytes) throws MessagingException, IOException {
        try {
            Object content = part.getContent();
            return content instanceof String ? (String) content : new String(bytes, StandardCharsets.UTF_8);
        } catch (UnsupportedEncodingException unknownCharset) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static byte[] read(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_LEAF_BYTES + 1);
        if (bytes.length > MAX_LEAF_BYTES) {
            throw new IOException("a part or zip entry larger than " + MAX_LEAF_BYTES + " bytes");
        }
        return bytes;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    static String normalize(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }

    private static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
