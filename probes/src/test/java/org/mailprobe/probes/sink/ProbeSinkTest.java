package org.mailprobe.probes.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.ServerTls;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.submit.SubmissionProbe;
import org.mailprobe.probes.submit.SubmissionResult;
import org.mailprobe.probes.submit.SubmissionSettings;
import org.mailprobe.probes.testing.SinkProbes;
import org.mailprobe.probes.testing.SmtpClient;
import org.mailprobe.probes.testing.TestCa;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;
import org.mailprobe.probes.token.ProbeMessage;
import org.mailprobe.probes.token.TokenSigner;

@Timeout(60)
class ProbeSinkTest {
    static final TokenSigner SIGNER = SinkProbes.SIGNER;
    static final String DOMAIN = SinkProbes.DOMAIN;
    static final String RCPT = SinkProbes.RCPT;

    final List<SinkDelivery> deliveries = new CopyOnWriteArrayList<>();
    final List<SinkRefusal> refusals = new CopyOnWriteArrayList<>();
    final SinkListener listener = new SinkListener() {
        @Override
        public void delivered(SinkDelivery delivery) {
            deliveries.add(delivery);
        }

        @Override
        public void refused(SinkRefusal reason, String peer) {
            refusals.add(reason);
        }
    };
    ProbeSink sink;

    @AfterEach
    void stop() {
        if (sink != null) {
            sink.close();
        }
    }

    static SinkSettings settings() {
        return SinkProbes.settings();
    }

    ProbeSink start(SinkSettings settings) throws IOException {
        sink = new ProbeSink(settings, SIGNER, listener, ProbeClock.system());
        sink.start();
        return sink;
    }

    static ProbeToken token(long seq) {
        return SinkProbes.token(seq);
    }

    /** A probe message as {@link SubmissionProbe} sends it, as text. */
    static String probeText(TokenSigner signer, ProbeToken token) throws Exception {
        MimeMessage m = ProbeMessage.build(jakarta.mail.Session.getInstance(new Properties()), "agent@probe.test", RCPT,
                token, signer);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    SubmissionResult submit(ServerEndpoint endpoint, TlsPolicy tls, ProbeToken token) {
        SubmissionProbe probe = new SubmissionProbe(
                new SubmissionSettings(endpoint, null, tls, TestProvider.FAST, "probe.test"), SIGNER, ProbeClock.system());
        return probe.submit("agent@probe.test", RCPT, token, Instant.now().plusSeconds(20));
    }

    static void await(BooleanSupplier condition, String what) throws Exception {
        Watching.await(what, Duration.ofSeconds(20), condition::getAsBoolean);
    }

    @Test
    void aVerifiedProbeIsDeliveredWithItsTimesInOrder() throws Exception {
        start(settings());
        ProbeToken token = token(1);

        SubmissionResult result = submit(new ServerEndpoint("localhost", sink.port(), TlsMode.PLAIN),
                TestProvider.trusted(), token);

        assertTrue(result.succeeded(), result.toString());
        assertEquals(1, deliveries.size(), "told before the 250");
        SinkDelivery d = deliveries.get(0);
        assertEquals(token, d.token());
        assertEquals("probe.test", d.heloName());
        assertEquals("agent@probe.test", d.envelopeFrom());
        assertEquals(List.of(RCPT), d.recipients());
        assertFalse(d.tls());
        assertTrue(d.peer().startsWith("127.0.0.1:"), d.peer());
        assertFalse(d.connectedAt().isBefore(result.started()), "connected after the probe started");
        assertFalse(d.mailFromAt().isBefore(d.connectedAt()));
        assertFalse(d.dataCompletedAt().isBefore(d.mailFromAt()));
        assertFalse(d.dataCompletedAt().isAfter(result.accepted()), "our 250 follows the final dot");
        assertEquals(List.of(), refusals);
    }

    @Test
    void aDeliveryIsASinkSightingAtItsMailFromWithItsTimesAsEvidence() throws Exception {
        start(settings());
        assertTrue(submit(new ServerEndpoint("localhost", sink.port(), TlsMode.PLAIN), TestProvider.trusted(),
                token(1)).succeeded());

        SinkDelivery d = deliveries.get(0);
        Arrival arrival = d.arrival("sink@test", java.util.Map.of("extra", "1"));

        assertEquals(AccessPath.SINK, arrival.path());
        assertEquals(d.mailFromAt(), arrival.seenAt());
        assertEquals("sink@test", arrival.mailbox());
        assertEquals(List.of("sink_connected_at", "sink_mail_from_at", "sink_data_completed_at", "sink_peer",
                "sink_helo", "sink_tls", "extra"), List.copyOf(arrival.evidence().keySet()));
        assertEquals(d.connectedAt().toString(), arrival.evidence().get("sink_connected_at"));
        assertEquals("none", arrival.evidence().get("sink_tls"));
    }

    @Test
    void eachMessageOnOneConnectionHasItsOwnMailFromTime() throws Exception {
        start(settings());
        try (SmtpClient c = new SmtpClient(sink.port())) {
            c.reply();
            assertTrue(c.envelope("relay.test", "a@probe.test", RCPT).endsWith("250 Ok"));
            assertTrue(c.data(probeText(SIGNER, token(1))).startsWith("250"));
            Thread.sleep(50); // a gap the second MAIL FROM must show
            assertTrue(c.command("MAIL FROM:<a@probe.test>").startsWith("250"));
            assertTrue(c.command("RCPT TO:<" + RCPT + ">").startsWith("250"));
            assertTrue(c.data(probeText(SIGNER, token(2))).startsWith("250"));
        }

        assertEquals(2, deliveries.size());
        SinkDelivery first = deliveries.get(0);
        SinkDelivery second = deliveries.get(1);
        assertEquals(first.connectedAt(), second.connectedAt());
        assertTrue(second.mailFromAt().isAfter(first.dataCompletedAt().plusMillis(40)),
                first.dataCompletedAt() + " then " + second.mailFromAt());
    }

    @Test
    void aProbeSentInBdatChunksIsDelivered() throws Exception {
        start(settings());
        byte[] message = probeText(SIGNER, token(5)).getBytes(StandardCharsets.US_ASCII);
        int half = message.length / 2;
        try (SmtpClient c = new SmtpClient(sink.port())) {
            c.reply();
            assertTrue(c.command("EHLO relay.test").contains("CHUNKING"));
            c.command("MAIL FROM:<a@probe.test>");
            c.command("RCPT TO:<" + RCPT + ">");

            c.write("BDAT " + half + "\r\n" + new String(message, 0, half, StandardCharsets.ISO_8859_1));
            String first = c.reply();
            c.write("BDAT " + (message.length - half) + " LAST\r\n"
                    + new String(message, half, message.length - half, StandardCharsets.ISO_8859_1));
            String last = c.reply();

            assertTrue(first.startsWith("250"), first);
            assertTrue(last.startsWith("250"), last);
        }
        assertEquals(1, deliveries.size(), "RFC 3030 chunks, as Exchange Online sends them");
        assertEquals(5, deliveries.get(0).token().sequence());
    }

    @Test
    void aMessageWithoutTokenIsRefusedAfterDataAndNotDelivered() throws Exception {
        start(settings());
        try (SmtpClient c = new SmtpClient(sink.port())) {
            c.reply();
            c.envelope("spammer.test", "x@spammer.test", RCPT);

            String reply = c.data("From: x@spammer.test\r\nSubject: hello\r\n\r\nbuy now\r\n");

            assertTrue(reply.startsWith("550 5.7.1"), reply);
            assertTrue(c.command("MAIL FROM:<x@spammer.test>").startsWith("250"), "the transaction was reset");
        }
        assertEquals(List.of(SinkRefusal.NOT_PROBE), refusals);
        assertEquals(List.of(), deliveries);
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefusedAsForged() throws Exception {
        start(settings());
        TokenSigner other = new TokenSigner("another-key-another-key-another!!".getBytes(StandardCharsets.US_ASCII));
        try (SmtpClient c = new SmtpClient(sink.port())) {
            c.reply();
            c.envelope("relay.test", "a@probe.test", RCPT);

            String reply = c.data(probeText(other, token(1)));

            assertTrue(reply.startsWith("550"), reply);
        }
        assertEquals(List.of(SinkRefusal.FORGED_TOKEN), refusals);
        assertEquals(List.of(), deliveries);
    }

    @Test
    void anAlteredTokenIsRefusedAsForged() throws Exception {
        start(settings());
        try (SmtpClient c = new SmtpClient(sink.port())) {
            c.reply();
            c.envelope("relay.test", "a@probe.test", RCPT);

            String reply = c.data(probeText(SIGNER, token(7)).replace("n=7;", "n=8;"));

            assertTrue(reply.startsWith("550"), reply);
        }
        assertEquals(List.of(SinkRefusal.FORGED_TOKEN), refusals);
    }

    @Test
    void twoTokenHeadersAreRefusedAsForged() throws Exception {
        start(settings());
        String header = TokenSigner.HEADER + ": " + SIGNER.sign(token(3)) + "\r\n";
        try (SmtpClient c = new SmtpClient(sink.port())) {
            c.reply();
            c.envelope("relay.test", "a@probe.test", RCPT);

            String reply = c.data(header + probeText(SIGNER, token(3)));

            assertTrue(reply.startsWith("550"), reply);
        }
        assertEquals(List.of(SinkRefusal.FORGED_TOKEN), refusals);
    }

    @Test
    void aRecipientInAForeignDomainIsRefusedAtRcpt() throws Exception {
        start(settings());
        try (SmtpClient c = new SmtpClient(sink.port())) {
            c.reply();
            c.command("EHLO relay.test");
            c.command("MAIL FROM:<a@probe.test>");

            String reply = c.command("RCPT TO:<victim@elsewhere.test>");

            assertTrue(reply.startsWith("550 5.7.1"), reply);
            assertTrue(c.command("DATA").startsWith("503"), "no recipient, no data");
        }
        assertEquals(List.of(SinkRefusal.FOREIGN_DOMAIN), refusals);
    }

    @Test
    void ourDomainIsMatchedWhateverItsCase() throws Exception {
        start(settings());
        try (SmtpClient c = new SmtpClient(sink.port())) {
            c.reply();

            String replies = c.envelope("relay.test", "a@probe.test", "Probe@SINK.Test");

            assertTrue(replies.endsWith("250 Ok"), replies);
        }
    }

    @Test
    void anOversizedMessageIsRefusedWith552AndTheConnectionStaysInStep() throws Exception {
        start(settings().withLimits(4096, 20, Duration.ofSeconds(60), Duration.ofMinutes(5)));
        try (SmtpClient c = new SmtpClient(sink.port())) {
            c.reply();
            c.envelope("relay.test", "a@probe.test", RCPT);

            String reply = c.data(probeText(SIGNER, token(1)) + "x".repeat(900).concat("\r\n").repeat(10));

            assertTrue(reply.startsWith("552"), reply);
            assertTrue(c.command("NOOP").startsWith("250"));
        }
        assertEquals(List.of(SinkRefusal.TOO_LARGE), refusals);
        assertEquals(List.of(), deliveries);
    }

    @Test
    void aConnectionBeyondTheLimitIsRefusedWith421() throws Exception {
        start(settings().withLimits(SinkSettings.DEFAULT_MAX_MESSAGE_BYTES, 2, Duration.ofSeconds(60),
                Duration.ofMinutes(5)));
        try (SmtpClient a = new SmtpClient(sink.port()); SmtpClient b = new SmtpClient(sink.port())) {
            assertTrue(a.reply().startsWith("220"));
            assertTrue(b.reply().startsWith("220"));
            try (SmtpClient third = new SmtpClient(sink.port())) {
                String reply = third.reply();

                assertTrue(reply.startsWith("421"), reply);
                assertTrue(third.closedByServer());
            }
            a.command("QUIT");
            await(() -> sink.openConnections() == 1, "the first connection ends");
            try (SmtpClient again = new SmtpClient(sink.port())) {
                assertTrue(again.reply().startsWith("220"), "a freed place is served again");
            }
        }
        assertEquals(List.of(SinkRefusal.TOO_MANY_CONNECTIONS), refusals);
    }

    @Test
    void startTlsWithTheConfiguredCertificateIsRecordedOnTheDelivery() throws Exception {
        TestCa ca = TestCa.get();
        start(settings().withTls(ServerTls.fromPkcs12(ca.serverKeyStore(), Secret.of(TestCa.PASSWORD)), false));

        SubmissionResult result = submit(new ServerEndpoint("localhost", sink.port(), TlsMode.STARTTLS),
                TestProvider.trusted(), token(1));

        assertTrue(result.succeeded(), result.toString());
        assertEquals(1, deliveries.size());
        assertTrue(deliveries.get(0).tls());
        assertTrue(deliveries.get(0).tlsProtocol().startsWith("TLSv1."), deliveries.get(0).tlsProtocol());
    }

    @Test
    void aPemCertificateAndKeyServeStartTls() throws Exception {
        TestCa ca = TestCa.get();
        java.security.KeyStore p12 = java.security.KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(ca.serverKeyStore())) {
            p12.load(in, TestCa.PASSWORD.toCharArray());
        }
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sink-pem");
        java.nio.file.Path chain = dir.resolve("chain.pem");
        java.nio.file.Path key = dir.resolve("key.pem");
        java.util.Base64.Encoder b64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        java.nio.file.Files.writeString(chain, "-----BEGIN CERTIFICATE-----\n"
                + b64.encodeToString(p12.getCertificate("server").getEncoded()) + "\n-----END CERTIFICATE-----\n");
        java.nio.file.Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                + b64.encodeToString(p12.getKey("server", TestCa.PASSWORD.toCharArray()).getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        start(settings().withTls(ServerTls.fromPem(chain, key), false));

        SubmissionResult result = submit(new ServerEndpoint("localhost", sink.port(), TlsMode.STARTTLS),
                TestProvider.trusted(), token(1));

        assertTrue(result.succeeded(), result.toString());
        assertTrue(deliveries.get(0).tls());
    }

    @Test
    void aKeyFileThatIsNotPkcs8IsRefusedWithoutShowingIt() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sink-pem");
        java.nio.file.Path key = dir.resolve("key.pem");
        java.nio.file.Files.writeString(key, "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END RSA PRIVATE KEY-----\n");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ServerTls.fromPem(TestCa.get().caPem(), key));

        assertTrue(e.getMessage().contains("PKCS#8"), e.getMessage());
        assertFalse(e.getMessage().contains("c2VjcmV0"), e.getMessage());
    }

    @Test
    void requiredTlsRefusesMailInClear() throws Exception {
        TestCa ca = TestCa.get();
        start(settings().withTls(ServerTls.fromPkcs12(ca.serverKeyStore(), Secret.of(TestCa.PASSWORD)), true));
        try (SmtpClient c = new SmtpClient(sink.port())) {
            c.reply();
            assertTrue(c.command("EHLO relay.test").contains("STARTTLS"));

            String reply = c.command("MAIL FROM:<a@probe.test>");

            assertTrue(reply.startsWith("530"), reply);
        }
        assertEquals(List.of(SinkRefusal.TLS_REQUIRED), refusals);
    }

    @Test
    void anOverlongLineCostsOnlyItsConnection() throws Exception {
        start(settings());
        try (SmtpClient c = new SmtpClient(sink.port())) {
            c.reply();

            String reply = c.command("EHLO " + "a".repeat(5000));

            assertTrue(reply.startsWith("501"), reply);
            assertTrue(c.closedByServer());
        }
        assertTrue(submit(new ServerEndpoint("localhost", sink.port(), TlsMode.PLAIN), TestProvider.trusted(),
                token(1)).succeeded());
        assertEquals(1, deliveries.size());
    }

    @Test
    void garbageIsAnsweredWithErrorsAndNothingIsDelivered() throws Exception {
        start(settings());
        try (SmtpClient c = new SmtpClient(sink.port())) {
            c.reply();

            String reply = c.command("GET / HTTP/1.1");

            assertTrue(reply.startsWith("500"), reply);
            assertTrue(c.command("DATA").startsWith("503"));
        }
        assertEquals(List.of(), deliveries);
    }

    @Test
    void bytesThatAreNotTextCostOnlyTheirConnection() throws Exception {
        start(settings());
        try (SmtpClient c = new SmtpClient(sink.port())) {
            c.reply();

            String reply = c.command("\u0001\u00ff\u00fe\u007f");

            assertTrue(reply.startsWith("501"), reply);
            assertTrue(c.closedByServer());
        }
        assertTrue(submit(new ServerEndpoint("localhost", sink.port(), TlsMode.PLAIN), TestProvider.trusted(),
                token(1)).succeeded());
    }

    @Test
    void aTricklingClientIsClosedAtTheConnectionLifetime() throws Exception {
        start(settings().withLimits(SinkSettings.DEFAULT_MAX_MESSAGE_BYTES, 20, Duration.ofSeconds(60),
                Duration.ofMillis(1500)));
        try (SmtpClient c = new SmtpClient(sink.port())) {
            c.reply();
            c.envelope("relay.test", "a@probe.test", RCPT);
            c.command("DATA");
            Instant until = Instant.now().plusSeconds(20);
            boolean closed = false;
            while (!closed && Instant.now().isBefore(until)) {
                try {
                    c.write("x"); // one byte at a time, never a whole line: each read succeeds
                    Thread.sleep(100);
                } catch (IOException e) {
                    closed = true;
                }
            }
            assertTrue(closed || c.closedByServer(), "closed by the sink");
        }
        await(() -> refusals.contains(SinkRefusal.TIMEOUT), "the sink counts the timeout");
        await(() -> sink.openConnections() == 0, "the connection is gone");
        assertEquals(List.of(), deliveries);
    }

    @Test
    void anAddressInUseFailsToStartWithTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ProbeSink s = new ProbeSink(SinkSettings.of(new InetSocketAddress("127.0.0.1", taken.getLocalPort()),
                    Set.of(DOMAIN), "sink.test.invalid"), SIGNER, listener, ProbeClock.system());

            IOException e = assertThrows(IOException.class, s::start);

            assertTrue(e.getMessage().contains(String.valueOf(taken.getLocalPort())), e.getMessage());
            s.close();
        }
    }
}
