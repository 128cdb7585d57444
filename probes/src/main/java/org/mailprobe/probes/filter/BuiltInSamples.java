package org.mailprobe.probes.filter;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The built-in samples, each a real MIME message built with Jakarta Mail: EICAR in the layouts
 * scanners are known to differ on, GTUBE in the text body, and a clean control. Every body says in
 * plain words what the message is, for the person who finds one.
 */
final class BuiltInSamples {
    static final String EICAR_FILE = "eicar.com";
    static final String EICAR_ZIP = "eicar.zip";
    static final String EICAR_NESTED_ZIP = "eicar-nested.zip";
    static final String CLEAN_FILE = "notes.txt";

    private static final String OCTETS = "application/octet-stream";
    private static final String ZIP = "application/zip";
    private static final String NL = "\r\n";

    private BuiltInSamples() {}

    /** The built-in {@code variant}; IllegalArgumentException naming it if there is none. */
    static FilterSample of(String variant) {
        switch (variant) {
            case "eicar":
                return virus(variant, "as a plain attachment named " + EICAR_FILE,
                        mixed -> mixed.addBodyPart(attachment(EICAR_FILE, OCTETS, TestPatterns.eicar())));
            case "eicar-zip":
                return virus(variant, "inside a zip archive (" + EICAR_ZIP + ")",
                        mixed -> mixed.addBodyPart(attachment(EICAR_ZIP, ZIP, eicarZip())));
            case "eicar-nested-zip":
                return virus(variant, "inside a zip archive inside a zip archive (" + EICAR_NESTED_ZIP + ")",
                        mixed -> mixed.addBodyPart(attachment(EICAR_NESTED_ZIP, ZIP, zip(EICAR_ZIP, eicarZip()))));
            case "eicar-inline-base64":
                return virus(variant, "as a base64 body part shown inline, without a file name",
                        mixed -> mixed.addBodyPart(inline(TestPatterns.eicar())));
            case "eicar-multipart-alternative":
                return new FilterSample(SampleKind.VIRUS, variant, BuiltInSamples::alternative);
            case "gtube":
                return new FilterSample(SampleKind.SPAM, variant, BuiltInSamples::gtube);
            case "clean":
                return new FilterSample(SampleKind.CLEAN, variant, BuiltInSamples::clean);
            default:
                throw new IllegalArgumentException("unknown sample variant '" + variant + "': the built-ins are "
                        + String.join(", ", SampleCorpus.BUILT_IN_VARIANTS));
        }
    }

    /** What the body text of every EICAR variant says; {@code layout} names where the file sits. */
    static String eicarText(String layout) {
        return intro()
                + "It carries the EICAR anti-virus test file, " + layout + ". EICAR is a" + NL
                + "harmless industry-standard test pattern: it is not a virus and can do" + NL
                + "nothing, but every virus scanner is built to detect it as one." + NL
                + outro();
    }

    static String gtubeText() {
        return intro()
                + "It carries the GTUBE anti-spam test string, a harmless industry-standard" + NL
                + "pattern that spam filters are built to classify as spam:" + NL
                + NL
                + TestPatterns.gtube() + NL
                + NL
                + outro();
    }

    static String cleanText() {
        return intro()
                + "It is a clean control message with a harmless text attachment: a filter" + NL
                + "should deliver it to the inbox untouched." + NL
                + outro();
    }

    static String cleanAttachment() {
        return "A harmless text attachment of a mailprobe clean control message." + NL
                + "If it arrives unchanged, the filter left clean mail alone, as it should." + NL;
    }

    private static String intro() {
        return "This message is a filter test sample sent by mailprobe, an automated SLA" + NL
                + "monitoring agent, to measure the mail provider's virus and spam filtering." + NL
                + NL;
    }

    private static String outro() {
        return NL
                + "It needs no action. The agent deletes it automatically once it has been" + NL
                + "measured." + NL;
    }

    @FunctionalInterface
    private interface Payload {
        void addTo(MimeMultipart mixed) throws MessagingException;
    }

    private static FilterSample virus(String variant, String layout, Payload payload) {
        return new FilterSample(SampleKind.VIRUS, variant, session -> {
            MimeMultipart mixed = new MimeMultipart("mixed");
            mixed.addBodyPart(text(eicarText(layout)));
            payload.addTo(mixed);
            return message(session, mixed);
        });
    }

    /**
     * A scanner that reads only the first alternative, or only the top level, misses this one:
     * the file sits base64-encoded in a multipart/mixed that is the second alternative.
     */
    private static MimeMessage alternative(Session session) throws MessagingException {
        MimeMultipart inner = new MimeMultipart("mixed");
        inner.addBodyPart(text(eicarText("base64 in a multipart/mixed inside a multipart/alternative")));
        inner.addBodyPart(attachment(EICAR_FILE, OCTETS, TestPatterns.eicar()));
        MimeBodyPart innerPart = new MimeBodyPart();
        innerPart.setContent(inner);
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text(eicarText("in the other alternative of this message")));
        alternative.addBodyPart(innerPart);
        return message(session, alternative);
    }

    private static MimeMessage gtube(Session session) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setText(gtubeText(), StandardCharsets.UTF_8.name());
        return message;
    }

    private static MimeMessage clean(Session session) throws MessagingException {
        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(text(cleanText()));
        MimeBodyPart notes = new MimeBodyPart();
        notes.setText(cleanAttachment(), StandardCharsets.UTF_8.name());
        notes.setFileName(CLEAN_FILE);
        notes.setDisposition(Part.ATTACHMENT);
        mixed.addBodyPart(notes);
        return message(session, mixed);
    }

    private static MimeMessage message(Session session, Multipart content) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setContent(content);
        return message;
    }

    private static MimeBodyPart text(String body) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(body, StandardCharsets.UTF_8.name());
        return part;
    }

    private static MimeBodyPart attachment(String fileName, String type, byte[] content) throws MessagingException {
        MimeBodyPart part = base64(type, content);
        part.setFileName(fileName);
        part.setDisposition(Part.ATTACHMENT);
        return part;
    }

    private static MimeBodyPart inline(byte[] content) throws MessagingException {
        MimeBodyPart part = base64(OCTETS, content);
        part.setDisposition(Part.INLINE);
        return part;
    }

    /** Base64 even where the bytes are ASCII (Jakarta Mail would send EICAR as 7bit): the usual wrapper. */
    private static MimeBodyPart base64(String type, byte[] content) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(content, type)));
        part.setHeader("Content-Transfer-Encoding", "base64");
        return part;
    }

    private static byte[] eicarZip() {
        return zip(EICAR_FILE, TestPatterns.eicar());
    }

    static byte[] zip(String entryName, byte[] content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry(entryName));
            zip.write(content);
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException("writing a zip in memory", e); // cannot happen: no I/O
        }
        return bytes.toByteArray();
    }
}
