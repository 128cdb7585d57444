package org.mailprobe.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailprobe.probes.Watching.AGENT;
import static org.mailprobe.probes.Watching.OTHER_AGENT;
import static org.mailprobe.probes.Watching.await;
import static org.mailprobe.probes.Watching.present;
import static org.mailprobe.probes.Watching.sendProbe;
import static org.mailprobe.probes.Watching.settings;

import jakarta.mail.Flags;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.Watching.Delivery;
import org.mailprobe.probes.Watching.Recorder;
import org.mailprobe.probes.testing.TestProvider;

class Pop3ArrivalWatcherTest {
    private final TestProvider provider = new TestProvider();
    private final Recorder recorder = new Recorder();
    private Pop3ArrivalWatcher watcher;

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
        provider.close();
    }

    private Pop3ArrivalWatcher start(WatchSettings settings) throws Exception {
        watcher = new Pop3ArrivalWatcher(settings, Watching.SIGNER, recorder);
        watcher.start();
        await("the first poll", watcher::healthy);
        return watcher;
    }

    /** Waits until a fresh probe is reported: everything delivered before it has been looked at. */
    private void drain() throws Exception {
        recorder.awaitArrival(sendProbe(provider, AGENT).token());
    }

    @Test
    @Timeout(20)
    void probeIsReportedOnce() throws Exception {
        start(settings(provider, provider.pop3(), true));
        Delivery delivery = sendProbe(provider, AGENT);

        Arrival arrival = recorder.awaitArrival(delivery.token());
        drain();
        drain(); // a few polls more

        assertEquals(1, recorder.of(delivery.token()).size());
        assertEquals(AccessPath.POP3, arrival.path());
        assertFalse(arrival.seenAt().isBefore(delivery.before()));
        assertTrue(Duration.between(delivery.before(), arrival.seenAt()).compareTo(Duration.ofSeconds(2)) < 0,
                "seen " + Duration.between(delivery.before(), arrival.seenAt()) + " after sending");
        assertNull(arrival.serverTime(), "POP3 has no INTERNALDATE");
        assertFalse(arrival.received().isEmpty(), "Received headers are kept as evidence");
    }

    @Test
    @Timeout(20)
    void measuredProbeIsDeletedWhenDeletionIsOn() throws Exception {
        start(settings(provider, provider.pop3(), true));
        Delivery delivery = sendProbe(provider, AGENT);

        recorder.awaitArrival(delivery.token());

        await("the probe to be deleted", Duration.ofSeconds(5), () -> !present(provider, delivery.token()));
    }

    @Test
    @Timeout(20)
    void probeNotYetSeenOnAnotherPathIsDeletedOnceFinished() throws Exception {
        recorder.measured = false; // webmail has not seen it yet
        start(settings(provider, provider.pop3(), true));
        Delivery delivery = sendProbe(provider, AGENT);
        recorder.awaitArrival(delivery.token());
        await("the watcher to ask again", () -> recorder.askedLater.contains(delivery.token()));
        assertTrue(present(provider, delivery.token()), "kept while another path has not seen it");

        recorder.finishedLater = true;

        await("the probe to be deleted", Duration.ofSeconds(5), () -> !present(provider, delivery.token()));
    }

    @Test
    @Timeout(20)
    void anotherAgentsProbeIsNeverAskedAboutAgain() throws Exception {
        recorder.measured = false;
        recorder.finishedLater = true;
        start(settings(provider, provider.pop3(), true));
        Delivery foreign = sendProbe(provider, OTHER_AGENT);
        recorder.awaitArrival(foreign.token());
        recorder.awaitArrival(sendProbe(provider, AGENT).token()); // a later look

        assertFalse(recorder.askedLater.contains(foreign.token()));
        assertTrue(present(provider, foreign.token()));
    }

    @Test
    @Timeout(20)
    void measuredProbeIsKeptWhenDeletionIsOff() throws Exception {
        start(settings(provider, provider.pop3(), false));
        Delivery delivery = sendProbe(provider, AGENT);

        recorder.awaitArrival(delivery.token());
        drain();
        drain(); // its session has ended with QUIT by now

        assertTrue(present(provider, delivery.token()));
        assertEquals("", Watching.flags(provider, ProbeMessage.subject(delivery.token())), "TOP, never RETR: not \\Seen");
    }

    @Test
    @Timeout(20)
    void probeOfAnotherAgentIsReportedButNeverDeleted() throws Exception {
        start(settings(provider, provider.pop3(), true));
        Delivery other = sendProbe(provider, OTHER_AGENT);

        recorder.awaitArrival(other.token());
        drain();
        drain();

        assertTrue(present(provider, other.token()));
    }

    @Test
    @Timeout(20)
    void forgedTokensAndForeignMailAreNeverReportedNorTouched() throws Exception {
        start(settings(provider, provider.pop3(), true));
        ProbeToken token = Watching.token(AGENT);
        String genuine = Watching.SIGNER.sign(token);
        Watching.sendWithHeader(provider, "wrong key", Watching.WRONG_SIGNER.sign(token));
        Watching.sendWithHeader(provider, "edited time", genuine.replace("t=" + token.sentAt().toEpochMilli(),
                "t=" + (token.sentAt().toEpochMilli() - 60_000)));
        Watching.sendWithHeader(provider, "plain foreign mail", null);

        drain();
        drain();

        assertEquals(2, recorder.arrivals.size(), "only the genuine probes: " + recorder.arrivals);
        for (String subject : new String[] {"wrong key", "edited time", "plain foreign mail"}) {
            assertEquals("", Watching.flags(provider, subject), subject + " is still there, flags untouched");
        }
    }

    @Test
    @Timeout(30)
    void foreignMailKeepsEveryFlagAfterManyProbes() throws Exception {
        // No \Deleted user mail here: GreenMail's POP3 QUIT expunges every \Deleted message in the
        // store, whoever flagged it, and its TOP/DELE number messages differently from its LIST
        // when any exist. That is the test server's doing, not the watcher's (see the IMAP test).
        for (int i = 0; i < 20; i++) {
            Flags flags = new Flags();
            if (i % 3 == 0) {
                flags.add(Flags.Flag.SEEN);
            }
            if (i % 5 == 2) {
                flags.add(Flags.Flag.FLAGGED);
            }
            Watching.appendForeign(provider, "user mail " + i, flags);
        }
        Map<String, String> before = Watching.snapshot(provider);
        start(settings(provider, provider.pop3(), true));

        for (int i = 0; i < 10; i++) {
            Delivery delivery = sendProbe(provider, AGENT);
            recorder.awaitArrival(delivery.token());
            await("probe deletion", Duration.ofSeconds(5), () -> !present(provider, delivery.token()));
        }

        assertEquals(before, Watching.snapshot(provider));
    }

    @Test
    @Timeout(20)
    void probeAlreadyInTheMailboxIsReported() throws Exception {
        Delivery early = sendProbe(provider, AGENT);

        start(settings(provider, provider.pop3(), true));

        recorder.awaitArrival(early.token());
        drain();
        assertEquals(1, recorder.of(early.token()).size());
    }

    @Test
    @Timeout(30)
    void watcherReconnectsAfterTheServerRestarts() throws Exception {
        start(settings(provider, provider.pop3(), true));
        drain();

        provider.stopServers();
        await("a watch failure", () -> !recorder.failures.isEmpty());
        assertFalse(watcher.healthy());
        provider.startOnSamePorts();
        await("the watcher to poll again", Duration.ofSeconds(15), watcher::healthy);

        drain();
    }

    @Test
    @Timeout(20)
    void wrongPasswordIsReportedAsAuthAndTheWatcherKeepsTrying() throws Exception {
        watcher = new Pop3ArrivalWatcher(settings(provider, provider.pop3(), provider.accountWithPassword("wrong"),
                TestProvider.trusted(), true, true, WatchSettings.DEFAULT_IDLE_RECHECK), Watching.SIGNER, recorder);
        watcher.start();

        await("two failures", () -> recorder.failures.size() >= 2);

        assertEquals(Reason.AUTH, recorder.failures.get(0));
        assertEquals(Reason.AUTH, recorder.failures.get(1));
        assertFalse(watcher.healthy());
    }

    @Test
    @Timeout(20)
    void implicitTlsWorksWithTheTrustedCa() throws Exception {
        start(settings(provider, provider.pop3s(), true));

        drain();

        assertTrue(recorder.failures.isEmpty());
    }

    @Test
    @Timeout(20)
    void untrustedCertificateIsReportedAsCertificate() throws Exception {
        watcher = new Pop3ArrivalWatcher(settings(provider, provider.pop3s(), provider.account(), TlsPolicy.verified(),
                true, true, WatchSettings.DEFAULT_IDLE_RECHECK), Watching.SIGNER, recorder);
        watcher.start();

        await("a failure", () -> !recorder.failures.isEmpty());

        assertEquals(Reason.CERTIFICATE, recorder.failures.get(0));
        assertFalse(watcher.healthy());
    }

    @Test
    @Timeout(20)
    void listenerThatThrowsLeavesTheProbeAndTheWatcherRunning() throws Exception {
        start(settings(provider, provider.pop3(), true));
        recorder.throwing = true;
        Delivery delivery = sendProbe(provider, AGENT);
        recorder.awaitArrival(delivery.token());
        recorder.throwing = false;

        drain();
        drain();

        assertTrue(present(provider, delivery.token()));
        assertEquals(1, recorder.of(delivery.token()).size());
        assertTrue(recorder.failures.isEmpty());
    }

    @Test
    @Timeout(20)
    void closeReturnsPromptlyBetweenPolls() throws Exception {
        WatchSettings slow = new WatchSettings(provider.pop3(), provider.account(), TestProvider.trusted(),
                TestProvider.FAST, "INBOX", Duration.ofSeconds(60), Duration.ofSeconds(60), true, "agent.test", AGENT);
        start(slow);

        long started = System.nanoTime();
        watcher.close();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "close took " + took);
        assertFalse(watcher.healthy());
    }
}
