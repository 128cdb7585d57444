package org.mailprobe.probes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailprobe.probes.testing.Watching.AGENT;
import static org.mailprobe.probes.testing.Watching.await;

import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.testing.Pop3Script;
import org.mailprobe.probes.testing.RawScriptedServer;
import org.mailprobe.probes.testing.TestCa;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;

/**
 * Servers that send too much, or too slowly: each costs the watcher one failed connection with a
 * closed reason, and it connects again (its thread alive), never an OutOfMemoryError.
 */
class HostileMailServerTest {
    private final Watching.Recorder recorder = new Watching.Recorder();
    private ArrivalWatcher watcher;

    @AfterEach
    void closeWatcher() {
        if (watcher != null) {
            watcher.close();
        }
    }

    static WatchSettings settings(int port, Duration read) {
        return new WatchSettings(new ServerEndpoint("127.0.0.1", port, TlsMode.PLAIN),
                new Account("user", Secret.of("pw")), TlsPolicy.verified(), new Timeouts(Duration.ofSeconds(3), read),
                "INBOX", Duration.ofMillis(200), Duration.ofSeconds(1), true, "agent.test", AGENT, true);
    }

    private void watch(Function<WatchSettings, ArrivalWatcher> make, RawScriptedServer server, Duration read)
            throws Exception {
        watcher = make.apply(settings(server.port(), read));
        watcher.start();
        await("a watch failure", Duration.ofSeconds(20), () -> !recorder.failures.isEmpty());
        await("a second connection", Duration.ofSeconds(20), () -> server.connections() >= 2);
    }

    private ArrivalWatcher imap(WatchSettings s) {
        return new ImapArrivalWatcher(s, Watching.SIGNER, recorder, ProbeClock.system());
    }

    private ArrivalWatcher pop3(WatchSettings s) {
        return new Pop3ArrivalWatcher(s, Watching.SIGNER, recorder, ProbeClock.system());
    }

    @Test
    @Timeout(60)
    void imapGreetingAnnouncingAHugeLiteralIsOneProtocolFailure() throws Exception {
        try (RawScriptedServer server = new RawScriptedServer(peer -> {
            peer.raw("* OK {1900000000}\r\n");
            while (peer.readLine() != null) {
                // says nothing more
            }
        })) {
            watch(this::imap, server, TestProvider.FAST.read());
            assertEquals(Reason.PROTOCOL, recorder.failures.get(0));
        }
    }

    @Test
    @Timeout(60)
    void hugeLiteralOverImplicitTlsIsBoundedAboveTheTls() throws Exception {
        try (RawScriptedServer server = new RawScriptedServer(peer -> {
            peer.raw("* OK {1900000000}\r\n");
            while (peer.readLine() != null) {
                // says nothing more
            }
        }, RawScriptedServer.localhostTls())) {
            watcher = imap(new WatchSettings(new ServerEndpoint("localhost", server.port(), TlsMode.IMPLICIT),
                    new Account("user", Secret.of("pw")), TlsPolicy.trusting(TestCa.get().caPem()), TestProvider.FAST,
                    "INBOX", Duration.ofMillis(200), Duration.ofSeconds(1), true, "agent.test", AGENT, true));
            watcher.start();
            await("a watch failure", Duration.ofSeconds(20), () -> !recorder.failures.isEmpty());
            await("a second connection", Duration.ofSeconds(20), () -> server.connections() >= 2);

            assertEquals(Reason.PROTOCOL, recorder.failures.get(0));
        }
    }

    @Test
    @Timeout(60)
    void imapEndlessLineIsOneProtocolFailure() throws Exception {
        try (RawScriptedServer server = new RawScriptedServer(peer -> {
            String chunk = "* OK " + "a".repeat(8192);
            while (true) {
                peer.raw(chunk);
            }
        })) {
            watch(this::imap, server, TestProvider.FAST.read());
            assertEquals(Reason.PROTOCOL, recorder.failures.get(0));
        }
    }

    @Test
    @Timeout(60)
    void pop3EndlessTopAnswerIsOneProtocolFailure() throws Exception {
        try (RawScriptedServer server = new RawScriptedServer(Pop3Script.serving(
                java.util.List.of(new Pop3Script.Mail("u1", null)), top -> {
                    while (true) {
                        top.raw("X-Filler: " + "b".repeat(100) + "\r\n");
                    }
                }))) {
            watch(this::pop3, server, TestProvider.FAST.read());
            assertEquals(Reason.PROTOCOL, recorder.failures.get(0));
            assertTrue(server.lines().stream().anyMatch(l -> l.startsWith("1 TOP 1 0")), server.lines().toString());
        }
    }

    @Test
    @Timeout(60)
    void serverTricklingItsGreetingTimesOutAtTheCommandDeadline() throws Exception {
        try (RawScriptedServer server = new RawScriptedServer(peer -> {
            while (true) {
                peer.raw("+");
                Thread.sleep(100); // well within the read timeout each time
            }
        })) {
            watch(this::pop3, server, Duration.ofSeconds(1));
            assertEquals(Reason.TIMEOUT, recorder.failures.get(0));
        }
    }
}
