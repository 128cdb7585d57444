package org.mailprobe.probes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mailprobe.probes.testing.HostileServer.converse;
import static org.mailprobe.probes.testing.HostileServer.send;
import static org.mailprobe.probes.testing.HostileServer.startTls;
import static org.mailprobe.probes.testing.Watching.AGENT;
import static org.mailprobe.probes.testing.Watching.await;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.ServerTls;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.testing.HostileDialects;
import org.mailprobe.probes.testing.HostileServer;
import org.mailprobe.probes.testing.TestCa;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;

/**
 * The IMAP watcher with STARTTLS required (issue 11): Angus Mail reports a server refusing
 * STARTTLS as a refused login, with only the server's text; the watcher tells the two apart by
 * whether TLS was layered after its STARTTLS, never by that text.
 */
@Timeout(30)
class ImapStartTlsTest {
    static final String GREETING_IMAP = "* OK hostile IMAP ready";

    private final Watching.Recorder recorder = new Watching.Recorder();
    private ImapArrivalWatcher watcher;

    @AfterEach
    void closeWatcher() {
        if (watcher != null) {
            watcher.close();
        }
    }

    private Reason firstFailure(HostileServer server) throws Exception {
        watcher = new ImapArrivalWatcher(new WatchSettings(new ServerEndpoint("localhost", server.port(),
                TlsMode.STARTTLS), new Account("user", Secret.of("pw")), TestProvider.trusted(), TestProvider.FAST,
                "INBOX", Duration.ofMillis(200), Duration.ofSeconds(1), true, "agent.test", AGENT, true), Watching.SIGNER, recorder, ProbeClock.system());
        watcher.start();
        await("a watch failure", Duration.ofSeconds(20), () -> !recorder.failures.isEmpty());
        return recorder.failures.get(0);
    }

    private static HostileServer refusingStartTls(String refusal) throws Exception {
        return HostileServer.plain(send(GREETING_IMAP), converse(HostileDialects.imap(true, 0, "STARTTLS", refusal)));
    }

    @Test
    void startTlsOfferedThenRefusedWithNoIsReasonStarttls() throws Exception {
        try (HostileServer server = refusingStartTls("NO [AUTHENTICATIONFAILED] TLS not available now")) {
            assertEquals(Reason.STARTTLS, firstFailure(server));
        }
    }

    @Test
    void startTlsOfferedThenRefusedWithBadIsReasonStarttls() throws Exception {
        try (HostileServer server = refusingStartTls("BAD not now")) {
            assertEquals(Reason.STARTTLS, firstFailure(server));
        }
    }

    @Test
    void wrongPasswordAfterStartTlsIsReasonAuth() throws Exception {
        try (HostileServer server = HostileServer.plain(send(GREETING_IMAP),
                converse(HostileDialects.imap(true, 0, null, null)),
                startTls(ServerTls.fromPkcs12(TestCa.get().serverKeyStore(), Secret.of(TestCa.PASSWORD))),
                converse(HostileDialects.imap(false, 0, "LOGIN", "NO [AUTHENTICATIONFAILED] STARTTLS done, bad password")))) {
            assertEquals(Reason.AUTH, firstFailure(server));
        }
    }

    @Test
    void capabilityRefusedBeforeStartTlsIsNotReasonStarttls() throws Exception {
        try (HostileServer server = HostileServer.plain(send(GREETING_IMAP),
                converse(HostileDialects.imap(true, 0, "CAPABILITY", "BAD no")))) {
            assertEquals(Reason.PROTOCOL, firstFailure(server));
        }
    }
}
