package org.mailprobe.probes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mailprobe.probes.testing.Watching.AGENT;
import static org.mailprobe.probes.testing.Watching.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.testing.Pop3Script;
import org.mailprobe.probes.testing.RawScriptedServer;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;
import org.mailprobe.probes.token.ProbeMessage;
import org.mailprobe.probes.token.TokenSigner;

/**
 * A one-shot probe's POP3 watcher in a mailbox of 1,000 other messages (issue 13): what was there
 * at its first listing is old, read by no TOP; only what arrives later is read. A scripted server
 * shows the commands.
 */
class Pop3FullMailboxTest {
    static final int OTHER_MAIL = 1_000;
    /** A bound for what takes a second or two here and far longer on a loaded shared machine. */
    static final Duration LOADED = Duration.ofSeconds(90);

    private final Watching.Recorder recorder = new Watching.Recorder();
    private Pop3ArrivalWatcher watcher;

    @AfterEach
    void closeWatcher() {
        if (watcher != null) {
            watcher.close();
        }
    }

    private static List<Pop3Script.Mail> otherMail() {
        return otherMail(OTHER_MAIL);
    }

    private static List<Pop3Script.Mail> otherMail(int count) {
        List<Pop3Script.Mail> mails = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            mails.add(new Pop3Script.Mail("old-" + i, "Subject: the user's own mail " + i));
        }
        return mails;
    }

    private static String probeHeaders(ProbeToken token) {
        return "Subject: " + ProbeMessage.subject(token) + "\n" + TokenSigner.HEADER + ": "
                + Watching.SIGNER.sign(token);
    }

    private void watch(RawScriptedServer server, boolean skip) {
        watcher = new Pop3ArrivalWatcher(HostileMailServerTest.settings(server.port(), TestProvider.FAST.read()),
                Watching.SIGNER, recorder, ProbeClock.system());
        if (skip) {
            watcher.skipMailPresentAtStart();
        }
        watcher.start();
    }

    private static long tops(RawScriptedServer server) {
        return server.lines().stream().filter(l -> l.contains(" TOP ")).count();
    }

    @Test
    @Timeout(200)
    void mailPresentAtTheFirstListingIsNeverReadWhenSkipped() throws Exception {
        try (RawScriptedServer server = new RawScriptedServer(Pop3Script.serving(otherMail(), top -> {}))) {
            watch(server, true);
            await("three sessions", LOADED, () -> server.connections() >= 3 && watcher.healthy());

            assertEquals(0, tops(server), "TOPs sent");
        }
    }

    @Test
    @Timeout(200)
    void aProbeArrivingAfterTheFirstListingIsReadAndReportedWhenSkipped() throws Exception {
        ProbeToken token = Watching.token(AGENT);
        List<Pop3Script.Mail> later = new ArrayList<>(otherMail());
        later.add(new Pop3Script.Mail("new", probeHeaders(token)));
        try (RawScriptedServer server = new RawScriptedServer(Pop3Script.serving(
                connection -> connection == 1 ? otherMail() : later, top -> {}))) {
            watch(server, true);

            // A listing of a thousand lines a session through the scripted server: slow on a loaded machine.
            await("the probe's arrival", LOADED, () -> recorder.saw(token));

            assertEquals(1, tops(server), "only the new message is read: " + OTHER_MAIL + " old ones are not");
        }
    }

    @Test
    @Timeout(200)
    void withoutTheSkipEveryMessageIsReadOnceForProbesStillInFlight() throws Exception {
        ProbeToken token = Watching.token(AGENT);
        int other = 50; // a TOP each through the scripted server: a few, to keep the test short
        List<Pop3Script.Mail> mails = new ArrayList<>(otherMail(other));
        mails.add(new Pop3Script.Mail("in-flight", probeHeaders(token)));
        try (RawScriptedServer server = new RawScriptedServer(Pop3Script.serving(mails, top -> {}))) {
            watch(server, false);

            // A listing of a thousand lines a session through the scripted server: slow on a loaded machine.
            await("the probe's arrival", LOADED, () -> recorder.saw(token));
            await("a second session", LOADED, () -> server.connections() >= 2);

            // Each other message read once (the probe, at number other + 1, is read again before its DELE).
            long otherTops = server.lines().stream().filter(l -> l.contains(" TOP "))
                    .filter(l -> Integer.parseInt(l.replaceAll(".* TOP (\\d+).*", "$1")) <= other).count();
            assertEquals(other, otherTops, server.lines().toString());
        }
    }
}
