package org.mailprobe.probes.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.internal.MailSessions;
import org.mailprobe.probes.submit.SubmissionResult;
import org.mailprobe.probes.testing.RawScriptedServer;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.token.TokenSigner;

@Timeout(60)
class SampleCorpusTest {
    static final TokenSigner SIGNER = SampleSenderTest.SIGNER;

    /** A customer's spam sample as kept from a mailbox: its own addresses, a verdict, a Delivered-To, an attachment. */
    static final String HEADER = "Return-Path: <bulk@spammer.example>\r\n"
            + "Delivered-To: probe@example.test\r\n"
            + "Received: from relay.spammer.example (relay.spammer.example [192.0.2.7])\r\n"
            + "\tby mx.example.test; Mon, 2 Nov 2026 10:00:00 +0000\r\n"
            + "From: Deals <bulk@spammer.example>\r\n"
            + "To: someone@elsewhere.example\r\n"
            + "Cc: another@elsewhere.example\r\n"
            + "Subject: Cheap watches\r\n"
            + "Date: Mon, 2 Nov 2026 10:00:00 +0000\r\n"
            + "Message-ID: <original@spammer.example>\r\n"
            + "X-Spam-Flag: YES\r\n"
            + "X-Mailprobe-Token: v=1; a=someone; r=else; n=1; t=1; s=forged\r\n"
            + "X-Spam-Status: Yes, score=12.3\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
            + "\r\n";
    /** Odd on purpose: a preamble, trailing spaces, an unusual base64 line length, an epilogue. */
    static final String BODY = "This is a preamble.\r\n"
            + "--b1\r\n"
            + "Content-Type: text/plain; charset=us-ascii\r\n"
            + "\r\n"
            + "Buy now.   \r\n"
            + "  Indented line.\r\n"
            + ".A line that starts with a dot.\r\n"
            + "--b1\r\n"
            + "Content-Type: application/octet-stream; name=\"price list.bin\"\r\n"
            + "Content-Disposition: attachment; filename=\"price list.bin\"\r\n"
            + "Content-Transfer-Encoding: base64\r\n"
            + "\r\n"
            + "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd\r\n"
            + "Hh8=\r\n"
            + "--b1--\r\n"
            + "An epilogue.\r\n";

    @TempDir
    Path dir;
    TestProvider provider;

    @AfterEach
    void stop() {
        if (provider != null) {
            provider.close();
        }
    }

    Path write(String kind, String name, byte[] content) throws Exception {
        Path sub = Files.createDirectories(dir.resolve(kind));
        return Files.write(sub.resolve(name), content);
    }

    Path write(String kind, String name, String content) throws Exception {
        return write(kind, name, content.getBytes(StandardCharsets.ISO_8859_1));
    }

    static final ProbeToken TOKEN =
            new ProbeToken("test-agent", "filter-in", 42, ProbeClock.system().now().truncatedTo(ChronoUnit.MILLIS));

    static ProbeToken token() {
        return TOKEN;
    }

    @Test
    void eachSubdirectoryGivesItsKindAndOtherFilesAreIgnored() throws Exception {
        write("virus", "b.eml", HEADER + BODY);
        write("virus", "a.EML", HEADER + BODY);
        write("virus", "readme.txt", "not a sample");
        write("clean", "c.eml", HEADER + BODY);
        write("other", "d.eml", HEADER + BODY);
        Files.createDirectories(dir.resolve("spam").resolve("folder.eml"));

        List<FilterSample> samples = SampleCorpus.load(dir);

        assertEquals(List.of("corpus:a.EML", "corpus:b.eml", "corpus:c.eml"),
                samples.stream().map(FilterSample::variant).toList());
        assertEquals(List.of(SampleKind.VIRUS, SampleKind.VIRUS, SampleKind.CLEAN),
                samples.stream().map(FilterSample::kind).toList());
    }

    @Test
    void aCorpusWithoutSubdirectoriesIsEmpty() throws Exception {
        assertEquals(List.of(), SampleCorpus.load(dir));
    }

    @Test
    void aCorpusThatIsNotADirectoryIsRefusedNamingIt() {
        Path missing = dir.resolve("nowhere");

        SampleCorpusException e = assertThrows(SampleCorpusException.class, () -> SampleCorpus.load(missing));

        assertEquals(missing.toString(), e.file());
        assertTrue(e.getMessage().startsWith(missing + ": "), e.getMessage());
    }

    @Test
    void aFileThatIsNotAMessageIsRefusedNamingIt() throws Exception {
        write("spam", "good.eml", HEADER + BODY);
        Path bad = write("spam", "notes.eml", "Remember to buy milk.\r\nAnd eggs.\r\n");

        SampleCorpusException e = assertThrows(SampleCorpusException.class, () -> SampleCorpus.load(dir));

        assertEquals(bad.toString(), e.file());
        assertTrue(e.getMessage().contains("notes.eml: is not a message: line 1"), e.getMessage());
    }

    @Test
    void aBinaryFileIsRefusedNamingIt() throws Exception {
        Path bad = write("virus", "payload.eml", new byte[] {0x50, 0x4b, 0x03, 0x04, 0, 0, 1, 2, 3});

        SampleCorpusException e = assertThrows(SampleCorpusException.class, () -> SampleCorpus.load(dir));

        assertEquals(bad.toString(), e.file());
    }

    @Test
    void aMultipartWhoseBoundaryNeverComesIsRefusedNamingIt() throws Exception {
        Path bad = write("clean", "broken.eml", HEADER + "no boundary here at all\r\n");

        SampleCorpusException e = assertThrows(SampleCorpusException.class, () -> SampleCorpus.load(dir));

        assertEquals(bad.toString(), e.file());
        assertTrue(e.getMessage().contains("not a parseable message"), e.getMessage());
    }

    @Test
    void aFileOverTheSizeBoundIsRefusedNamingIt() throws Exception {
        byte[] big = new byte[(int) SampleCorpus.MAX_FILE_BYTES + 1];
        Arrays.fill(big, (byte) 'a');
        byte[] header = "Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(header, 0, big, 0, header.length);
        Path bad = write("spam", "big.eml", big);

        SampleCorpusException e = assertThrows(SampleCorpusException.class, () -> SampleCorpus.load(dir));

        assertEquals(bad.toString(), e.file());
        assertTrue(e.getMessage().contains("larger than"), e.getMessage());
    }

    @Test
    void theSameFileNameUnderTwoKindsIsRefusedNamingBoth() throws Exception {
        Path first = write("virus", "same.eml", HEADER + BODY);
        Path second = write("spam", "same.eml", HEADER + BODY);

        SampleCorpusException e = assertThrows(SampleCorpusException.class, () -> SampleCorpus.load(dir));

        assertEquals(second.toString(), e.file());
        assertTrue(e.getMessage().contains(first.toString()), e.getMessage());
    }

    /** An MX that accepts everything and keeps what came after DATA, unstuffed, line ends as on the wire. */
    static RawScriptedServer recordingMx(ByteArrayOutputStream data) throws Exception {
        return new RawScriptedServer(peer -> {
            peer.send("220 mx.test ESMTP");
            String line;
            while ((line = peer.readLine()) != null) {
                String upper = line.toUpperCase(java.util.Locale.ROOT);
                if (upper.startsWith("QUIT")) {
                    peer.send("221 bye");
                    return;
                }
                if (!upper.startsWith("DATA")) {
                    peer.send("250 ok");
                    continue;
                }
                peer.send("354 go ahead");
                while (!".".equals(line = peer.readLine())) {
                    String unstuffed = line.startsWith(".") ? line.substring(1) : line;
                    data.write((unstuffed + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
                peer.send("250 queued");
            }
        });
    }

    @Test
    void aCorpusSampleIsSentWithItsBodyByteForByte() throws Exception {
        write("spam", "watches.eml", HEADER + BODY);
        FilterSample sample = SampleCorpus.load(dir).get(0);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        try (RawScriptedServer mx = recordingMx(data)) {
            SampleSender sender = new SampleSender(SampleSenderTest.toPort(mx.port()), null, SIGNER, ProbeClock.system());

            SubmissionResult result = sender.send(sample, token(), SampleDirection.INBOUND, SampleSenderTest.FROM,
                    TestProvider.USER, Instant.now().plusSeconds(20));

            assertTrue(result.succeeded(), result.toString());
        }
        String sent = data.toString(StandardCharsets.ISO_8859_1);
        int bodyStart = sent.indexOf("\r\n\r\n") + 4;
        assertEquals(BODY, sent.substring(bodyStart));
        assertTrue(sent.substring(0, bodyStart).contains("Received: from relay.spammer.example"), sent);
    }

    @Test
    void aCorpusFileWithBareLineFeedsIsSentWithCrlfAndOtherwiseUnchanged() throws Exception {
        write("clean", "unix.eml", (HEADER + BODY).replace("\r\n", "\n"));
        FilterSample sample = SampleCorpus.load(dir).get(0);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        try (RawScriptedServer mx = recordingMx(data)) {
            SampleSender sender = new SampleSender(SampleSenderTest.toPort(mx.port()), null, SIGNER, ProbeClock.system());

            SubmissionResult result = sender.send(sample, token(), SampleDirection.INBOUND, SampleSenderTest.FROM,
                    TestProvider.USER, Instant.now().plusSeconds(20));

            assertTrue(result.succeeded(), result.toString());
        }
        String sent = data.toString(StandardCharsets.ISO_8859_1);
        assertEquals(BODY, sent.substring(sent.indexOf("\r\n\r\n") + 4));
    }

    @Test
    void anMboxFromLineIsRefusedSayingSo() throws Exception {
        Path bad = write("spam", "mbox.eml", "From bulk@spammer.example Mon Nov  2 10:00:00 2026\r\n" + HEADER + BODY);

        SampleCorpusException e = assertThrows(SampleCorpusException.class, () -> SampleCorpus.load(dir));

        assertEquals(bad.toString(), e.file());
        assertTrue(e.getMessage().contains("mbox"), e.getMessage());
    }

    @Test
    void aCorpusSampleArrivesAsAVerifiedSample() throws Exception {
        write("spam", "watches.eml", HEADER + BODY);
        FilterSample sample = SampleCorpus.load(dir).get(0);
        provider = new TestProvider();
        SampleSender sender = new SampleSender(SampleSenderTest.toPort(provider.smtp().port()), null, SIGNER,
                ProbeClock.system());

        SubmissionResult result = sender.send(sample, token(), SampleDirection.INBOUND, SampleSenderTest.FROM,
                TestProvider.USER, Instant.now().plusSeconds(20));

        assertTrue(result.succeeded(), result.toString());
        MimeMessage received = provider.greenMail().getReceivedMessages()[0];
        assertEquals(token(), SIGNER.verify(received.getHeader(TokenSigner.HEADER, null)).orElseThrow());
        assertEquals("<test-agent/filter-in/42@mailprobe>", received.getMessageID());
    }

    @Test
    void stampingReplacesTheCorpusMessagesAddressesIdentityAndVerdicts() throws Exception {
        write("spam", "watches.eml", HEADER + BODY);
        FilterSample sample = SampleCorpus.load(dir).get(0);
        ProbeToken token = token();

        MimeMessage m = SampleMessages.stamp(MailSessions.offline(), sample, token, SIGNER, SampleSenderTest.FROM,
                TestProvider.USER);

        assertEquals(List.of(TestProvider.USER), Arrays.stream(m.getAllRecipients()).map(Object::toString).toList());
        assertEquals(SampleSenderTest.FROM, m.getFrom()[0].toString());
        assertEquals("[mailprobe] filter sample filter-in #42 corpus:watches.eml", m.getSubject());
        assertEquals("<test-agent/filter-in/42@mailprobe>", m.getMessageID());
        assertNull(m.getHeader("Cc"));
        assertNull(m.getHeader("X-Spam-Flag"));
        assertNull(m.getHeader("X-Spam-Status"));
        assertNull(m.getHeader("Delivered-To"));
        assertNull(m.getHeader("Return-Path"));
        assertEquals(1, m.getHeader("Received").length, "the sample's own history is kept");
        assertEquals(1, m.getRecipients(Message.RecipientType.TO).length);
        assertEquals(1, m.getHeader(TokenSigner.HEADER).length, "the corpus message's own token header is gone");
        assertEquals(token, SIGNER.verify(m.getHeader(TokenSigner.HEADER, null)).orElseThrow());
        m.saveChanges();
        assertEquals("<test-agent/filter-in/42@mailprobe>", m.getMessageID(), "kept when changes are saved");
    }

    @Test
    void aCorpusSampleIsSentToTheGivenMailboxOnlyWhateverItsHeadersName() throws Exception {
        write("spam", "watches.eml", HEADER + BODY);
        FilterSample sample = SampleCorpus.load(dir).get(0);
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (org.mailprobe.probes.testing.ScriptedServer server = new org.mailprobe.probes.testing.ScriptedServer(
                "220 mx.test ESMTP", org.mailprobe.probes.testing.ScriptedServer.smtp(line -> {
                    lines.add(line);
                    return null;
                }))) {
            SampleSender sender = new SampleSender(SampleSenderTest.toPort(server.port()), null, SIGNER,
                    ProbeClock.system());

            SubmissionResult result = sender.send(sample, token(), SampleDirection.INBOUND, SampleSenderTest.FROM,
                    TestProvider.USER, Instant.now().plusSeconds(20));

            assertTrue(result.succeeded(), result.toString());
            assertEquals(List.of("RCPT TO:<" + TestProvider.USER + ">"),
                    lines.stream().filter(l -> l.startsWith("RCPT")).toList());
        }
    }
}
