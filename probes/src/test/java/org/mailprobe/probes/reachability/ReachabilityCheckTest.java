package org.mailprobe.probes.reachability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.EndpointKind;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.testing.ScriptedServer;
import org.mailprobe.probes.testing.TestProvider;

@Timeout(60)
class ReachabilityCheckTest {
    static TestProvider provider;

    @BeforeAll
    static void start() {
        provider = new TestProvider();
    }

    @AfterAll
    static void stop() {
        provider.close();
    }

    static ReachabilityResult check(EndpointKind kind, ServerEndpoint endpoint, TlsPolicy tls, Account login,
            Duration within) {
        ReachabilitySettings settings = new ReachabilitySettings(kind, endpoint, tls, TestProvider.FAST, login, "/",
                Set.of(200, 302), "probe.test");
        return new ReachabilityCheck(settings, ProbeClock.system()).check(Instant.now().plus(within));
    }

    static ReachabilityResult check(EndpointKind kind, ServerEndpoint endpoint, Account login) {
        return check(kind, endpoint, TestProvider.trusted(), login, Duration.ofSeconds(10));
    }

    @Test
    void smtpGreetingAndLoginPassWithEveryStageTimed() {
        ReachabilityResult r = check(EndpointKind.SMTP, provider.smtp(), provider.account());

        assertTrue(r.succeeded(), r.toString());
        assertEquals(List.of(Stage.DNS, Stage.CONNECT, Stage.GREETING, Stage.LOGIN), List.copyOf(r.stages().keySet()));
    }

    @Test
    void imapsHandshakeIsVerifiedAndTheCertificateExpiryIsKept() {
        ReachabilityResult r = check(EndpointKind.IMAP, provider.imaps(), provider.account());

        assertTrue(r.succeeded(), r.toString());
        assertEquals(List.of(Stage.DNS, Stage.CONNECT, Stage.TLS, Stage.GREETING, Stage.LOGIN),
                List.copyOf(r.stages().keySet()));
        assertNotNull(r.certificateNotAfter());
        assertTrue(r.certificateNotAfter().isAfter(Instant.now().plus(Duration.ofDays(3000))), r.toString());
    }

    @Test
    void pop3sGreetingPassesWithoutLogin() {
        ReachabilityResult r = check(EndpointKind.POP3, provider.pop3s(), null);

        assertTrue(r.succeeded(), r.toString());
        assertTrue(r.lastReply().startsWith("+OK"), r.lastReply());
    }

    @Test
    void aCertificateFromAnUntrustedCaFailsAsCertificate() {
        ReachabilityResult r = check(EndpointKind.IMAP, provider.imaps(), TlsPolicy.verified(), null,
                Duration.ofSeconds(10));

        assertEquals(Reason.CERTIFICATE, r.reason(), r.toString());
        assertEquals(Stage.TLS, r.failedStage());
    }

    @Test
    void aCertificateForAnotherNameFailsAsCertificate() {
        ServerEndpoint byAddress = new ServerEndpoint("127.0.0.1", provider.pop3s().port(), TlsMode.IMPLICIT);
        ReachabilityResult r = check(EndpointKind.POP3, byAddress, null);

        assertEquals(Reason.CERTIFICATE, r.reason(), r.toString());
    }

    @Test
    void aRefusedLoginFailsAsAuth() {
        ReachabilityResult r = check(EndpointKind.POP3, provider.pop3(), provider.accountWithPassword("wrong"));

        assertEquals(Reason.AUTH, r.reason(), r.toString());
        assertEquals(Stage.LOGIN, r.failedStage());
        assertFalse(r.toString().contains("wrong"), r.toString());
    }

    @Test
    void anSmtpServerThatGreetsWith554FailsAsGreeting() throws IOException {
        try (ScriptedServer server = new ScriptedServer("554 5.3.2 no service here", line -> null)) {
            ReachabilityResult r = check(EndpointKind.SMTP, local(server.port(), TlsMode.PLAIN), null);

            assertEquals(Reason.GREETING, r.reason(), r.toString());
            assertEquals(Stage.GREETING, r.failedStage());
            assertEquals("554 5.3.2 no service here", r.lastReply());
        }
    }

    @Test
    void anImapPortThatSpeaksSmtpFailsAsGreeting() throws IOException {
        try (ScriptedServer server = new ScriptedServer("220 smtp.test ESMTP", line -> null)) {
            ReachabilityResult r = check(EndpointKind.IMAP, local(server.port(), TlsMode.PLAIN), null);

            assertEquals(Reason.GREETING, r.reason(), r.toString());
        }
    }

    @Test
    void aStrippedStarttlsFailsAsStarttls() throws IOException {
        try (ScriptedServer server = new ScriptedServer("220 smtp.test ESMTP", ScriptedServer.smtp(line -> null))) {
            ReachabilityResult r = check(EndpointKind.SMTP, local(server.port(), TlsMode.STARTTLS), null);

            assertEquals(Reason.STARTTLS, r.reason(), r.toString());
            assertEquals(Stage.STARTTLS, r.failedStage());
        }
    }

    @Test
    void aClosedPortFailsAsConnect() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ReachabilityResult r = check(EndpointKind.SMTP, local(port, TlsMode.PLAIN), null);

        assertEquals(Reason.CONNECT, r.reason(), r.toString());
        assertEquals(Stage.CONNECT, r.failedStage());
    }

    @Test
    void anUnknownHostFailsAsDns() {
        ReachabilityResult r = check(EndpointKind.SMTP, new ServerEndpoint("no-such-host.invalid", 25, TlsMode.PLAIN),
                null);

        assertEquals(Reason.DNS, r.reason(), r.toString());
    }

    @Test
    void aSilentServerCostsTheCheckItsDeadlineAndFailsAsTimeout() throws IOException {
        try (ScriptedServer server = new ScriptedServer(null, line -> "")) {
            ReachabilityResult r = check(EndpointKind.SMTP, local(server.port(), TlsMode.PLAIN), TestProvider.trusted(),
                    null, Duration.ofMillis(700));

            assertEquals(Reason.TIMEOUT, r.reason(), r.toString());
            assertEquals(Stage.GREETING, r.failedStage());
        }
    }

    @Test
    void aServerTricklingAByteASecondIsCutAtTheDeadline() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread trickler = new Thread(() -> trickle(server), "trickler");
            trickler.setDaemon(true);
            trickler.start();
            // Each byte comes well within the 5 s read timeout; only the deadline can end this.
            ReachabilityResult r = check(EndpointKind.POP3, local(server.getLocalPort(), TlsMode.PLAIN),
                    TestProvider.trusted(), null, Duration.ofMillis(1500));

            assertEquals(Reason.TIMEOUT, r.reason(), r.toString());
            assertEquals(Stage.GREETING, r.failedStage());
        }
    }

    @Test
    void anHttpStatusOutsideTheConfiguredSetFailsAsHttpStatus() throws IOException {
        try (ScriptedServer server = new ScriptedServer(null,
                line -> line.isEmpty() ? "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n" : "")) {
            ReachabilityResult r = check(EndpointKind.HTTP, local(server.port(), TlsMode.PLAIN), null);

            assertEquals(Reason.HTTP_STATUS, r.reason(), r.toString());
            assertEquals(Stage.GREETING, r.failedStage());
        }
    }

    @Test
    void anHttpStatusInTheConfiguredSetPasses() throws IOException {
        try (ScriptedServer server = new ScriptedServer(null,
                line -> line.isEmpty() ? "HTTP/1.1 302 Found\r\nLocation: /login\r\n" : "")) {
            ReachabilityResult r = check(EndpointKind.HTTP, local(server.port(), TlsMode.PLAIN), null);

            assertTrue(r.succeeded(), r.toString());
        }
    }

    static ServerEndpoint local(int port, TlsMode mode) {
        return new ServerEndpoint("127.0.0.1", port, mode);
    }

    private static void trickle(ServerSocket server) {
        try (Socket s = server.accept()) {
            OutputStream out = s.getOutputStream();
            for (char c : "+OK still thinking about it".toCharArray()) {
                out.write(c);
                out.flush();
                Thread.sleep(1000);
            }
        } catch (IOException | InterruptedException e) {
            // the check hung up, as it should
        }
    }
}
