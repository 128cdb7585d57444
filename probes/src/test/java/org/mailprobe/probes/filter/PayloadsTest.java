package org.mailprobe.probes.filter;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.internal.MailSessions;

class PayloadsTest {
    private static final Session SESSION = MailSessions.session(new Properties());
    private static final byte[] PAYLOAD = Delivered.ATTACHMENT;

    private static MimeMessage roundTrip(MimeMessage m) throws Exception {
        m.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return new MimeMessage(SESSION, new ByteArrayInputStream(out.toByteArray()));
    }

    private static byte[] zip(String name, byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(content);
            z.closeEntry();
        }
        return out.toByteArray();
    }

    /** A text body and one attachment of {@code attachment}. */
    private static MimeMessage withAttachment(byte[] attachment) throws Exception {
        MimeMessage m = new MimeMessage(SESSION);
        MimeBodyPart text = new MimeBodyPart();
        text.setText(Delivered.BODY, "UTF-8");
        MimeBodyPart file = new MimeBodyPart();
        file.setContent(attachment, "application/zip");
        file.setFileName("sample.zip");
        m.setContent(new MimeMultipart(text, file));
        return m;
    }

    @Test
    @Timeout(10)
    void sampleAsSentIsIntact() throws Exception {
        FilterSample sample = Delivered.sample(SampleKind.VIRUS, "eicar");
        Payloads.Expected expected = Payloads.of(sample.template().build(SESSION));

        assertTrue(Payloads.intact(expected, roundTrip(sample.template().build(SESSION))));
    }

    @Test
    @Timeout(10)
    void payloadInANestedZipIsFoundWhereverItIsWrapped() throws Exception {
        Payloads.Expected expected = Payloads.of(withAttachment(zip("inner.zip", zip("sample.bin", PAYLOAD))));
        // The same payload, re-zipped by a gateway under another name, one level deep.
        MimeMessage delivered = roundTrip(withAttachment(zip("renamed.bin", PAYLOAD)));

        assertTrue(Payloads.intact(expected, delivered));
    }

    @Test
    @Timeout(10)
    void payloadReplacedInsideTheNestedZipIsNotIntact() throws Exception {
        Payloads.Expected expected = Payloads.of(withAttachment(zip("inner.zip", zip("sample.bin", PAYLOAD))));
        byte[] replaced = "removed by the virus filter".getBytes(StandardCharsets.US_ASCII);
        MimeMessage delivered = roundTrip(withAttachment(zip("inner.zip", zip("sample.bin", replaced))));

        assertFalse(Payloads.intact(expected, delivered));
    }

    @Test
    @Timeout(10)
    void sampleWrappedAsAnAttachedMessageIsIntact() throws Exception {
        // SpamAssassin's report_safe: a report in the body, the original attached as message/rfc822.
        FilterSample sample = Delivered.sample(SampleKind.SPAM, "gtube");
        Payloads.Expected expected = Payloads.of(sample.template().build(SESSION));
        MimeMessage original = roundTrip(sample.template().build(SESSION));
        MimeMessage report = new MimeMessage(SESSION);
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Spam detection software has identified this message as spam.", "UTF-8");
        MimeBodyPart attached = new MimeBodyPart();
        attached.setContent(original, "message/rfc822");
        report.setContent(new MimeMultipart(text, attached));

        assertTrue(Payloads.intact(expected, roundTrip(report)));
    }

    @Test
    @Timeout(10)
    void changedTextIsNotIntact() throws Exception {
        FilterSample sample = Delivered.sample(SampleKind.CLEAN, "clean");
        Payloads.Expected expected = Payloads.of(sample.template().build(SESSION));
        MimeMessage delivered = roundTrip(sample.template().build(SESSION));
        MimeMultipart parts = (MimeMultipart) delivered.getContent();
        ((MimeBodyPart) parts.getBodyPart(0)).setText("This message was rewritten.", "UTF-8");
        delivered.setContent(parts);

        assertFalse(Payloads.intact(expected, roundTrip(delivered)));
    }

    @Test
    @Timeout(10)
    void textInACharsetTheJvmDoesNotKnowIsReadAsUtf8() throws Exception {
        FilterSample sample = Delivered.sample(SampleKind.CLEAN, "clean");
        Payloads.Expected expected = Payloads.of(sample.template().build(SESSION));
        MimeMessage delivered = roundTrip(sample.template().build(SESSION));
        MimeMultipart parts = (MimeMultipart) delivered.getContent();
        parts.getBodyPart(0).setHeader("Content-Type", "text/plain; charset=x-unknown-to-java");
        delivered.setContent(parts);

        assertTrue(Payloads.intact(expected, roundTrip(delivered)));
    }

    /** A customer's message: an HTML body with a link, and a PDF-like attachment. */
    private static MimeMessage corpusMessage(String html, byte[] attachment) throws Exception {
        MimeMessage m = new MimeMessage(SESSION);
        MimeBodyPart body = new MimeBodyPart();
        body.setContent(html, "text/html; charset=UTF-8");
        MimeBodyPart file = new MimeBodyPart();
        file.setContent(attachment, "application/pdf");
        file.setFileName("invoice.pdf");
        m.setContent(new MimeMultipart(body, file));
        return m;
    }

    @Test
    @Timeout(10)
    void corpusMessageWithItsLinksRewrittenIsIntact() throws Exception {
        Payloads.Expected expected = Payloads.of(corpusMessage("<a href=\"http://x.example/pay\">pay</a>", PAYLOAD),
                false);
        MimeMessage delivered = roundTrip(corpusMessage(
                "<a href=\"https://safelinks.provider.example/?u=http%3A%2F%2Fx.example%2Fpay\">pay</a>", PAYLOAD));

        assertTrue(Payloads.intact(expected, delivered));
    }

    @Test
    @Timeout(10)
    void corpusMessageWithoutItsAttachmentIsNotIntact() throws Exception {
        Payloads.Expected expected = Payloads.of(corpusMessage("<p>see attached</p>", PAYLOAD), false);
        MimeMessage delivered = roundTrip(corpusMessage("<p>see attached</p>",
                "attachment removed".getBytes(StandardCharsets.US_ASCII)));

        assertFalse(Payloads.intact(expected, delivered));
    }

    @Test
    @Timeout(20)
    void zipBombIsRefusedWithinItsBounds() throws Exception {
        // 40 MiB of zeros compresses to about 40 KiB: more than all leaves of a message may hold.
        byte[] zeros = new byte[Payloads.MAX_LEAF_BYTES];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (int i = 0; i < 5; i++) {
                z.putNextEntry(new ZipEntry("zeros" + i));
                z.write(zeros);
                z.closeEntry();
            }
        }
        Payloads.Expected expected = Payloads.of(withAttachment(zip("sample.bin", PAYLOAD)));
        MimeMessage bomb = roundTrip(withAttachment(out.toByteArray()));

        IOException e = assertThrows(IOException.class, () -> Payloads.intact(expected, bomb));
        assertTrue(e.getMessage().contains("bytes"), e.getMessage());
    }
}
