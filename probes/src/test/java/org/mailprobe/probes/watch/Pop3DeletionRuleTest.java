package org.mailprobe.probes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailprobe.probes.testing.Watching.AGENT;
import static org.mailprobe.probes.testing.Watching.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.testing.Pop3Script;
import org.mailprobe.probes.testing.RawScriptedServer;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;
import org.mailprobe.probes.token.ProbeMessage;
import org.mailprobe.probes.token.TokenSigner;

/**
 * DELE n only for a message n read by TOP and verified in the same session, with a UIDL no other
 * message in that session's listing has: a scripted POP3 server shows what the watcher sends.
 */
class Pop3DeletionRuleTest {
    private final Watching.Recorder recorder = new Watching.Recorder();
    private ArrivalWatcher watcher;

    @AfterEach
    void closeWatcher() {
        if (watcher != null) {
            watcher.close();
        }
    }

    private static String probeHeaders(ProbeToken token) {
        return "Subject: " + ProbeMessage.subject(token) + "\n" + TokenSigner.HEADER + ": "
                + Watching.SIGNER.sign(token);
    }

    private void watch(RawScriptedServer server) {
        watcher = new Pop3ArrivalWatcher(HostileMailServerTest.settings(server.port(), TestProvider.FAST.read()),
                Watching.SIGNER, recorder, ProbeClock.system());
        watcher.start();
    }

    private static boolean dele(RawScriptedServer server, int connection) {
        return server.lines().stream().anyMatch(l -> l.startsWith(connection + " DELE"));
    }

    @Test
    @Timeout(30)
    void foreignMessageSharingAProbesUidlIsNeverDeleted() throws Exception {
        ProbeToken token = Watching.token(AGENT);
        List<Pop3Script.Mail> mails = List.of(new Pop3Script.Mail("dup", probeHeaders(token)),
                new Pop3Script.Mail("dup", "Subject: the user's own mail"));
        try (RawScriptedServer server = new RawScriptedServer(Pop3Script.serving(mails, top -> {}))) {
            watch(server);
            recorder.awaitArrival(token);
            await("a later session", Duration.ofSeconds(10), () -> server.connections() >= 3);

            assertFalse(server.lines().stream().anyMatch(l -> l.contains("DELE 2")), server.lines().toString());
            assertFalse(server.lines().stream().anyMatch(l -> l.contains("DELE")), "a shared UIDL names no message");
        }
    }

    @Test
    @Timeout(30)
    void uidlReusedInTheNextSessionIsReadAgainAndNotDeleted() throws Exception {
        ProbeToken token = Watching.token(AGENT);
        // The first session's QUIT never answers, so the DELE does not take; the next session lists
        // the user's own message under the same UIDL.
        ProbeToken ours = token;
        try (RawScriptedServer server = new RawScriptedServer(Pop3Script.serving(connection -> List.of(
                new Pop3Script.Mail("u1", connection == 1 ? probeHeaders(ours) : "Subject: the user's own mail")),
                top -> {}, connection -> connection == 1))) {
            watch(server);
            recorder.awaitArrival(token);
            await("a later session", Duration.ofSeconds(10), () -> server.connections() >= 3);

            assertTrue(dele(server, 1), "the measured probe was deleted in its own session: " + server.lines());
            assertFalse(dele(server, 2), server.lines().toString());
            assertTrue(server.lines().stream().anyMatch(l -> l.startsWith("2 TOP 1 0")),
                    "read again before any DELE: " + server.lines());
            assertEquals(1, recorder.of(token).size());
        }
    }
}
