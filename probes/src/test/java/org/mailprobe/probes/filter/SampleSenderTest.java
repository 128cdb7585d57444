package org.mailprobe.probes.filter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMailUtil;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.submit.MxDeliverySettings;
import org.mailprobe.probes.submit.SubmissionResult;
import org.mailprobe.probes.submit.SubmissionSettings;
import org.mailprobe.probes.testing.ScriptedServer;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.token.TokenSigner;

@Timeout(60)
class SampleSenderTest {
    static final TokenSigner SIGNER = new TokenSigner("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    static final String FROM = "samples@agent.test";

    TestProvider provider;

    @AfterEach
    void stop() {
        if (provider != null) {
            provider.close();
        }
    }

    static Stream<String> variants() {
        return SampleCorpus.BUILT_IN_VARIANTS.stream();
    }

    static ProbeToken token(long sequence) {
        return new ProbeToken("test-agent", "filter-in", sequence, ProbeClock.system().now().truncatedTo(ChronoUnit.MILLIS));
    }

    static MxDeliverySettings toPort(int port) {
        return MxDeliverySettings.toHost("localhost", port, "mta.agent.test").withTls(TestProvider.trusted(), false)
                .withTimeouts(TestProvider.FAST);
    }

    static SubmissionSettings submissionTo(int port, TestProvider provider) {
        return new SubmissionSettings(new ServerEndpoint("localhost", port, TlsMode.PLAIN), provider.account(),
                TestProvider.trusted(), TestProvider.FAST, "agent.test");
    }

    /** Sends {@code sample} inbound to a fresh GreenMail and hands back what it received. */
    MimeMessage sendToGreenMail(FilterSample sample, ProbeToken token) throws Exception {
        provider = new TestProvider();
        SampleSender sender = new SampleSender(toPort(provider.smtp().port()), null, SIGNER, ProbeClock.system());

        SubmissionResult result = sender.send(sample, token, SampleDirection.INBOUND, FROM, TestProvider.USER,
                Instant.now().plusSeconds(20));

        assertTrue(result.succeeded(), result.toString());
        MimeMessage[] received = provider.greenMail().getReceivedMessages();
        assertEquals(1, received.length);
        return received[0];
    }

    @ParameterizedTest
    @MethodSource("variants")
    void eachBuiltInVariantArrivesWithAVerifiedTokenAndItsKeyInMessageIdAndSubject(String variant) throws Exception {
        ProbeToken token = token(7);

        MimeMessage m = sendToGreenMail(SampleCorpus.builtIns(List.of(variant)).get(0), token);

        assertEquals(token, SIGNER.verify(m.getHeader(TokenSigner.HEADER, null)).orElseThrow());
        assertEquals("<test-agent/filter-in/7@mailprobe>", m.getMessageID());
        assertEquals("[mailprobe] filter sample filter-in #7 " + variant, m.getSubject());
        assertEquals(FROM, m.getFrom()[0].toString());
        assertEquals("auto-generated", m.getHeader("Auto-Submitted", null));
        assertEquals(token.stampedAt().truncatedTo(ChronoUnit.SECONDS), m.getSentDate().toInstant()); // a Date header has seconds
    }

    @ParameterizedTest
    @MethodSource("variants")
    void eachBuiltInVariantSaysInItsBodyWhatItIs(String variant) throws Exception {
        MimeMessage m = sendToGreenMail(SampleCorpus.builtIns(List.of(variant)).get(0), token(1));

        String firstText = new String(ReceivedLeaves.of(m).get(0).bytes(), StandardCharsets.UTF_8);
        assertTrue(firstText.contains("filter test sample sent by mailprobe"), firstText);
    }

    /** Where each EICAR variant must carry the file: zips deep, part depth, disposition. */
    record Where(int zipDepth, int minPartDepth, String disposition) {}

    static Where expected(String variant) {
        switch (variant) {
            case "eicar":
                return new Where(0, 1, Part.ATTACHMENT);
            case "eicar-zip":
                return new Where(1, 1, Part.ATTACHMENT);
            case "eicar-nested-zip":
                return new Where(2, 1, Part.ATTACHMENT);
            case "eicar-inline-base64":
                return new Where(0, 1, Part.INLINE);
            case "eicar-multipart-alternative":
                return new Where(0, 2, Part.ATTACHMENT);
            default:
                throw new AssertionError(variant);
        }
    }

    static Stream<String> eicarVariants() {
        return variants().filter(v -> v.startsWith("eicar"));
    }

    @ParameterizedTest
    @MethodSource("eicarVariants")
    void eachEicarVariantCarriesTheTestFileWhereItsNameSays(String variant) throws Exception {
        MimeMessage m = sendToGreenMail(SampleCorpus.builtIns(List.of(variant)).get(0), token(2));

        List<ReceivedLeaves.Leaf> eicar = ReceivedLeaves.of(m).stream()
                .filter(l -> Arrays.equals(l.bytes(), TestPatterns.eicar())).toList();
        assertEquals(1, eicar.size(), "one EICAR file in " + variant);
        Where where = expected(variant);
        ReceivedLeaves.Leaf leaf = eicar.get(0);
        assertEquals(where.zipDepth(), leaf.zipDepth());
        assertTrue(leaf.partDepth() >= where.minPartDepth(), "part depth " + leaf.partDepth());
        assertEquals(where.disposition(), leaf.disposition().toLowerCase(Locale.ROOT));
    }

    @ParameterizedTest
    @MethodSource("eicarVariants")
    void noEicarVariantCarriesTheTestFileInTheClear(String variant) throws Exception {
        MimeMessage m = sendToGreenMail(SampleCorpus.builtIns(List.of(variant)).get(0), token(3));

        String raw = GreenMailUtil.getWholeMessage(m);
        assertFalse(raw.contains(new String(TestPatterns.eicar(), StandardCharsets.US_ASCII)),
                "base64 or zipped, never as plain text on the wire");
    }

    @Test
    void theGtubeSampleCarriesGtubeInItsTextBody() throws Exception {
        MimeMessage m = sendToGreenMail(SampleCorpus.builtIns(List.of("gtube")).get(0), token(4));

        assertTrue(m.isMimeType("text/plain"), m.getContentType());
        assertTrue(((String) m.getContent()).contains(TestPatterns.gtube()));
    }

    @Test
    void theCleanSampleCarriesItsTextAttachmentAndNoTestPattern() throws Exception {
        MimeMessage m = sendToGreenMail(SampleCorpus.builtIns(List.of("clean")).get(0), token(5));

        List<ReceivedLeaves.Leaf> leaves = ReceivedLeaves.of(m);
        assertEquals(2, leaves.size());
        assertEquals(BuiltInSamples.CLEAN_FILE, leaves.get(1).name());
        assertArrayEquals(BuiltInSamples.cleanAttachment().getBytes(StandardCharsets.UTF_8), leaves.get(1).bytes());
        String raw = GreenMailUtil.getWholeMessage(m);
        assertFalse(raw.contains(TestPatterns.gtube()));
        assertFalse(raw.contains(new String(TestPatterns.eicar(), StandardCharsets.US_ASCII)));
    }

    @Test
    void anOutboundSampleIsSubmittedWithAuth() throws Exception {
        provider = new TestProvider();
        List<String> lines = new CopyOnWriteArrayList<>();
        try (ScriptedServer server = new ScriptedServer("220 submission.test ESMTP",
                ScriptedServer.smtp(line -> record(lines, line)))) {
            SampleSender sender = new SampleSender(null, submissionTo(server.port(), provider), SIGNER, ProbeClock.system());

            SubmissionResult result = sender.send(SampleCorpus.builtIns(List.of("gtube")).get(0), token(6),
                    SampleDirection.OUTBOUND, FROM, TestProvider.USER, Instant.now().plusSeconds(20));

            assertTrue(result.succeeded(), result.toString());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("AUTH ")), lines.toString());
            assertTrue(result.stages().containsKey(Stage.AUTH));
        }
    }

    @Test
    void anInboundSampleIsDeliveredWithoutAuth() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (ScriptedServer server = new ScriptedServer("220 mx.test ESMTP",
                ScriptedServer.smtp(line -> record(lines, line)))) {
            SampleSender sender = new SampleSender(toPort(server.port()), null, SIGNER, ProbeClock.system());

            SubmissionResult result = sender.send(SampleCorpus.builtIns(List.of("gtube")).get(0), token(8),
                    SampleDirection.INBOUND, FROM, TestProvider.USER, Instant.now().plusSeconds(20));

            assertTrue(result.succeeded(), result.toString());
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("MAIL FROM:<" + FROM + ">")), lines.toString());
            assertFalse(lines.stream().anyMatch(l -> l.startsWith("AUTH")), lines.toString());
        }
    }

    @Test
    void aRefusalAfterDataIsRejectedWithTheServersReply() throws Exception {
        try (ScriptedServer server = new ScriptedServer("220 mx.test ESMTP", ScriptedServer.smtp(line ->
                ".".equals(line) ? "554 5.7.1 Rejected: Eicar-Signature FOUND" : null))) {
            SampleSender sender = new SampleSender(toPort(server.port()), null, SIGNER, ProbeClock.system());

            SubmissionResult result = sender.send(SampleCorpus.builtIns(List.of("eicar")).get(0), token(9),
                    SampleDirection.INBOUND, FROM, TestProvider.USER, Instant.now().plusSeconds(20));

            assertEquals(Reason.REJECTED, result.reason(), result.toString());
            assertEquals(Stage.DATA, result.failedStage());
            assertEquals("554 5.7.1 Rejected: Eicar-Signature FOUND", result.lastReply());
            assertNull(result.accepted());
        }
    }

    @Test
    void aRefusalAtRcptIsRejectedWithTheServersReply() throws Exception {
        try (ScriptedServer server = new ScriptedServer("220 mx.test ESMTP", ScriptedServer.smtp(line ->
                line.startsWith("RCPT") ? "550 5.7.1 Sender blocked" : null))) {
            SampleSender sender = new SampleSender(toPort(server.port()), null, SIGNER, ProbeClock.system());

            SubmissionResult result = sender.send(SampleCorpus.builtIns(List.of("gtube")).get(0), token(10),
                    SampleDirection.INBOUND, FROM, TestProvider.USER, Instant.now().plusSeconds(20));

            assertEquals(Reason.REJECTED, result.reason(), result.toString());
            assertEquals("550 5.7.1 Sender blocked", result.lastReply());
        }
    }

    @Test
    void aServerThatIsNotThereIsAFailureNotAnException() {
        SampleSender sender = new SampleSender(toPort(closedPort()), null, SIGNER, ProbeClock.system());

        SubmissionResult result = sender.send(SampleCorpus.builtIns(List.of("clean")).get(0), token(11),
                SampleDirection.INBOUND, FROM, TestProvider.USER, Instant.now().plusSeconds(20));

        assertEquals(Reason.CONNECT, result.reason(), result.toString());
    }

    @Test
    void aDirectionWithoutAPathIsRefusedAsAMisuse() {
        SampleSender sender = new SampleSender(toPort(25), null, SIGNER, ProbeClock.system());

        assertThrows(IllegalArgumentException.class, () -> sender.send(SampleCorpus.builtIns(List.of("clean")).get(0),
                token(12), SampleDirection.OUTBOUND, FROM, TestProvider.USER, Instant.now().plusSeconds(20)));
    }

    private static String record(List<String> lines, String line) {
        lines.add(line);
        return null;
    }

    private static int closedPort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
