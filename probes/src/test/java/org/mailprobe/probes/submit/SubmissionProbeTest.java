package org.mailprobe.probes.submit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.internal.MailSessions;
import org.mailprobe.probes.testing.RawScriptedServer;
import org.mailprobe.probes.testing.ScriptedServer;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.token.TokenSigner;

@Timeout(60)
class SubmissionProbeTest {
    static final TokenSigner SIGNER = new TokenSigner("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

    TestProvider provider;

    @BeforeEach
    void start() {
        provider = new TestProvider();
    }

    @AfterEach
    void stop() {
        provider.close();
    }

    static ProbeToken token() {
        return new ProbeToken("test-agent", "loop-1", 7, ProbeClock.system().now());
    }

    SubmissionResult submit(ServerEndpoint endpoint, TlsPolicy tls, Account account) {
        SubmissionProbe probe = new SubmissionProbe(
                new SubmissionSettings(endpoint, account, tls, TestProvider.FAST, "probe.test"), SIGNER, ProbeClock.system());
        return probe.submit(TestProvider.USER, TestProvider.USER, token(), Instant.now().plusSeconds(20));
    }

    /** Every stamp comes from the clock the probe is given: a fixed one leaves every stage zero long. */
    @Test
    void stagesAreDatedByTheClockTheProbeIsGiven() {
        Instant fixed = Instant.parse("2031-03-04T05:06:07.089Z");
        SubmissionProbe probe = new SubmissionProbe(new SubmissionSettings(provider.smtp(), provider.account(),
                TestProvider.trusted(), TestProvider.FAST, "probe.test"), SIGNER, () -> fixed);

        SubmissionResult result = probe.submit(TestProvider.USER, TestProvider.USER, token(), fixed.plusSeconds(20));

        assertTrue(result.succeeded(), result.toString());
        assertEquals(fixed, result.started());
        assertEquals(fixed, result.accepted());
        assertEquals(List.of(Stage.DNS, Stage.CONNECT, Stage.GREETING, Stage.EHLO, Stage.AUTH, Stage.ENVELOPE,
                Stage.DATA), List.copyOf(result.stages().keySet()));
        assertTrue(result.stages().values().stream().allMatch(Duration::isZero), result.stages().toString());
    }

    @Test
    void plainSubmissionIsAcceptedWithEveryStageTimed() throws Exception {
        SubmissionResult result = submit(provider.smtp(), TestProvider.trusted(), provider.account());

        assertTrue(result.succeeded(), result.toString());
        assertNotNull(result.accepted());
        assertTrue(!result.accepted().isBefore(result.started()));
        assertEquals(List.of(Stage.DNS, Stage.CONNECT, Stage.GREETING, Stage.EHLO, Stage.AUTH, Stage.ENVELOPE,
                Stage.DATA), List.copyOf(result.stages().keySet()));
        assertTrue(result.lastReply().startsWith("250"), result.lastReply());
        MimeMessage[] received = provider.greenMail().getReceivedMessages();
        assertEquals(1, received.length);
        Optional<ProbeToken> token = SIGNER.verify(received[0].getHeader(TokenSigner.HEADER, null));
        assertEquals("loop-1", token.orElseThrow().route());
        assertTrue(String.valueOf(received[0].getContent()).contains("automated SLA probe"));
    }

    @Test
    void writeTimeoutsOfFinishedSubmissionsDoNotStayQueued() {
        for (int i = 0; i < 10; i++) {
            assertTrue(submit(provider.smtp(), TestProvider.trusted(), provider.account()).succeeded());
        }

        // Each write scheduled a timeout and cancelled it when done: none is left for its delay (ten
        // submissions left 90 before). Fewer than one submission's writes, in case another test's
        // connection is writing right now.
        int queued = MailSessions.WRITE_TIMEOUTS.getQueue().size();
        assertTrue(queued < 9, queued + " write timeouts queued");
    }

    @Test
    void implicitTlsPassesWhenThePrivateCaIsTrusted() {
        SubmissionResult result = submit(provider.smtps(), TestProvider.trusted(), provider.account());

        assertTrue(result.succeeded(), result.toString());
        assertTrue(result.stages().containsKey(Stage.TLS), result.stages().toString());
    }

    @Test
    void untrustedCertificateFailsByDefault() {
        SubmissionResult result = submit(provider.smtps(), TlsPolicy.verified(), provider.account());

        assertEquals(Reason.CERTIFICATE, result.reason(), result.toString());
        assertEquals(0, provider.greenMail().getReceivedMessages().length);
    }

    @Test
    void certificateForAnotherHostNameFails() {
        ServerEndpoint byAddress = new ServerEndpoint("127.0.0.1", provider.smtps().port(), TlsMode.IMPLICIT);

        SubmissionResult result = submit(byAddress, TestProvider.trusted(), provider.account());

        assertEquals(Reason.CERTIFICATE, result.reason(), result.toString());
    }

    @Test
    void insecureOptionAcceptsAnUntrustedCertificate() {
        ServerEndpoint byAddress = new ServerEndpoint("127.0.0.1", provider.smtps().port(), TlsMode.IMPLICIT);

        SubmissionResult result = submit(byAddress, TlsPolicy.insecure(), provider.account());

        assertTrue(result.succeeded(), result.toString());
    }

    @Test
    void serverWithoutStartTlsFailsWhenStartTlsIsRequired() {
        ServerEndpoint starttls = new ServerEndpoint(TestProvider.HOST, provider.smtp().port(), TlsMode.STARTTLS);

        SubmissionResult result = submit(starttls, TestProvider.trusted(), provider.account());

        assertEquals(Reason.STARTTLS, result.reason(), result.toString());
        assertEquals(0, provider.greenMail().getReceivedMessages().length);
    }

    @Test
    void startTlsRefusedByTheServerIsAStartTlsFailure() throws IOException {
        try (ScriptedServer server = new ScriptedServer("220 test ESMTP", ScriptedServer.smtp(line ->
                line.startsWith("EHLO") ? "250-test.invalid\r\n250 STARTTLS"
                        : line.startsWith("STARTTLS") ? "454 4.7.0 TLS not available" : null))) {
            ServerEndpoint endpoint = new ServerEndpoint("localhost", server.port(), TlsMode.STARTTLS);

            SubmissionResult result = submit(endpoint, TestProvider.trusted(), provider.account());

            assertEquals(Reason.STARTTLS, result.reason(), result.toString());
            assertEquals(Stage.STARTTLS, result.failedStage());
        }
    }

    @Test
    void wrongPasswordIsAnAuthFailureAndNothingIsSent() {
        SubmissionResult result = submit(provider.smtp(), TestProvider.trusted(), provider.accountWithPassword("wrong"));

        assertEquals(Reason.AUTH, result.reason(), result.toString());
        assertFalse(result.detail().contains("wrong"), result.detail());
        assertEquals(0, provider.greenMail().getReceivedMessages().length);
    }

    @Test
    void serverDownIsAConnectFailure() throws IOException {
        int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        }
        SubmissionResult result = submit(new ServerEndpoint("localhost", freePort, TlsMode.PLAIN),
                TestProvider.trusted(), provider.account());

        assertEquals(Reason.CONNECT, result.reason(), result.toString());
        assertEquals(Stage.CONNECT, result.failedStage());
        assertNull(result.accepted());
    }

    @Test
    void unknownHostIsADnsFailure() {
        SubmissionResult result = submit(new ServerEndpoint("no-such-host.invalid", 587, TlsMode.STARTTLS),
                TestProvider.trusted(), provider.account());

        assertEquals(Reason.DNS, result.reason(), result.toString());
        assertEquals(Stage.DNS, result.failedStage());
    }

    @Test
    void rejectedRecipientIsARejection() throws IOException {
        try (ScriptedServer server = new ScriptedServer("220 test ESMTP", ScriptedServer.smtp(line ->
                line.startsWith("RCPT") ? "550 5.1.1 no such user" : null))) {
            SubmissionResult result = submit(new ServerEndpoint("localhost", server.port(), TlsMode.PLAIN),
                    TestProvider.trusted(), provider.account());

            assertEquals(Reason.REJECTED, result.reason(), result.toString());
            assertEquals(Stage.ENVELOPE, result.failedStage());
            assertTrue(result.lastReply().startsWith("550"), result.lastReply());
        }
    }

    @Test
    void messageRefusedAfterDataIsARejection() throws IOException {
        try (ScriptedServer server = new ScriptedServer("220 test ESMTP", ScriptedServer.smtp(line ->
                ".".equals(line) ? "554 5.7.1 spam" : null))) {
            SubmissionResult result = submit(new ServerEndpoint("localhost", server.port(), TlsMode.PLAIN),
                    TestProvider.trusted(), provider.account());

            assertEquals(Reason.REJECTED, result.reason(), result.toString());
            assertEquals(Stage.DATA, result.failedStage());
        }
    }

    @Test
    void garbageGreetingIsAProtocolFailure() throws IOException {
        try (ScriptedServer server = new ScriptedServer("HTTP/1.1 400 Bad Request", line -> null)) {
            SubmissionResult result = submit(new ServerEndpoint("localhost", server.port(), TlsMode.PLAIN),
                    TestProvider.trusted(), provider.account());

            assertEquals(Reason.PROTOCOL, result.reason(), result.toString());
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void endlessReplyLineIsAProtocolFailureNotMemory() throws IOException {
        try (RawScriptedServer server = new RawScriptedServer(peer -> {
            String chunk = "a".repeat(8192);
            peer.raw("220-");
            while (true) {
                peer.raw(chunk);
            }
        })) {
            SubmissionResult result = submit(new ServerEndpoint("localhost", server.port(), TlsMode.PLAIN),
                    TestProvider.trusted(), provider.account());

            assertEquals(Reason.PROTOCOL, result.reason(), result.toString());
            assertEquals(Stage.GREETING, result.failedStage());
        }
    }

    @Test
    void serverThatHangsUpMidDialogueIsAProtocolFailure() throws IOException {
        try (ScriptedServer server = new ScriptedServer("220 test ESMTP", line ->
                line.startsWith("EHLO") ? "250-test.invalid\r\n250 AUTH PLAIN" : line.startsWith("AUTH") ? "235 ok" : null)) {
            SubmissionResult result = submit(new ServerEndpoint("localhost", server.port(), TlsMode.PLAIN),
                    TestProvider.trusted(), provider.account());

            assertEquals(Reason.PROTOCOL, result.reason(), result.toString());
            assertEquals(Stage.ENVELOPE, result.failedStage());
        }
    }

    @Test
    void silentServerTimesOutAtTheDeadline() throws IOException {
        try (ScriptedServer server = new ScriptedServer(null, line -> "")) {
            SubmissionProbe probe = new SubmissionProbe(new SubmissionSettings(
                    new ServerEndpoint("localhost", server.port(), TlsMode.PLAIN), provider.account(),
                    TestProvider.trusted(), new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(30)), "probe.test"),
                    SIGNER, ProbeClock.system());

            SubmissionResult result = probe.submit(TestProvider.USER, TestProvider.USER, token(),
                    Instant.now().plusMillis(800));

            assertEquals(Reason.TIMEOUT, result.reason(), result.toString());
            assertEquals(Stage.GREETING, result.failedStage());
        }
    }
}
