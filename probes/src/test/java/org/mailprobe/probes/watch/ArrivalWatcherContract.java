package org.mailprobe.probes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailprobe.probes.testing.Watching.AGENT;
import static org.mailprobe.probes.testing.Watching.OTHER_AGENT;
import static org.mailprobe.probes.testing.Watching.await;
import static org.mailprobe.probes.testing.Watching.present;
import static org.mailprobe.probes.testing.Watching.sendProbe;
import static org.mailprobe.probes.testing.Watching.settings;

import jakarta.mail.Flags;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;
import org.mailprobe.probes.testing.Watching.Delivery;
import org.mailprobe.probes.testing.Watching.Recorder;

/**
 * What every deleting watcher (IMAP, POP3) must do, against GreenMail: each subclass says how to
 * make its watcher and on which ports, and adds the tests of its own protocol.
 */
abstract class ArrivalWatcherContract {
    final TestProvider provider = new TestProvider();
    final Recorder recorder = new Recorder();
    ArrivalWatcher watcher;

    abstract ArrivalWatcher create(WatchSettings settings);

    /** The watcher's port without TLS (STARTTLS not used). */
    abstract ServerEndpoint plain();

    /** The watcher's implicit-TLS port. */
    abstract ServerEndpoint implicitTls();

    /** Whether the test mailbox may hold mail the user flagged \Deleted and did not expunge. */
    boolean userDeletedMailCanBeInTheMailbox() {
        return true;
    }

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
        provider.close();
    }

    ArrivalWatcher start(WatchSettings settings) throws Exception {
        watcher = create(settings);
        watcher.start();
        await("the watcher to connect", watcher::healthy);
        return watcher;
    }

    /**
     * A one-shot probe exits when the watchers keep nothing to delete; the listener hears "seen"
     * before the deletion starts, so the probe must count from before that moment until it is gone,
     * or the process exits (and closes the connection) between UID STORE and UID EXPUNGE.
     */
    @Test
    @Timeout(20)
    void measuredProbeCountsAsKeptFromItsReportUntilItIsDeleted() throws Exception {
        recorder.watched = start(Watching.settings(provider, plain(), true));
        Watching.Delivery delivery = Watching.sendProbe(provider, AGENT);

        recorder.awaitArrival(delivery.token());
        await("the probe's deletion", () -> watcher.keptForDeletion() == 0);

        assertEquals(java.util.List.of(1), recorder.keptAtArrival);
        assertFalse(Watching.present(provider, delivery.token()));
    }

    /** Waits until a fresh probe is reported: everything delivered before it has been looked at. */
    void drain() throws Exception {
        recorder.awaitArrival(sendProbe(provider, AGENT).token());
    }

    @Test
    @Timeout(20)
    void measuredProbeIsDeletedWhenDeletionIsOn() throws Exception {
        start(settings(provider, plain(), true));
        Delivery delivery = sendProbe(provider, AGENT);

        recorder.awaitArrival(delivery.token());

        await("the probe to be deleted", Duration.ofSeconds(5), () -> !present(provider, delivery.token()));
    }

    @Test
    @Timeout(20)
    void probeNotYetSeenOnAnotherPathIsDeletedOnceFinished() throws Exception {
        recorder.measured = false; // webmail has not seen it yet
        start(settings(provider, plain(), true));
        Delivery delivery = sendProbe(provider, AGENT);
        recorder.awaitArrival(delivery.token());
        await("the watcher to ask again", () -> recorder.askedLater.contains(delivery.token()));
        assertTrue(present(provider, delivery.token()), "kept while another path has not seen it");
        assertEquals(1, watcher.keptForDeletion(), "a caller can see it is kept");

        recorder.finishedLater = true;

        await("the probe to be deleted", Duration.ofSeconds(5), () -> !present(provider, delivery.token()));
    }

    @Test
    @Timeout(20)
    void anotherAgentsProbeIsNeverAskedAboutAgain() throws Exception {
        recorder.measured = false;
        recorder.finishedLater = true;
        start(settings(provider, plain(), true));
        Delivery foreign = sendProbe(provider, OTHER_AGENT);
        recorder.awaitArrival(foreign.token());
        recorder.awaitArrival(sendProbe(provider, AGENT).token()); // a later look

        assertFalse(recorder.askedLater.contains(foreign.token()));
        assertTrue(present(provider, foreign.token()));
    }

    @Test
    @Timeout(20)
    void probeOfAnotherAgentIsReportedButNeverDeleted() throws Exception {
        start(settings(provider, plain(), true));
        Delivery other = sendProbe(provider, OTHER_AGENT);

        recorder.awaitArrival(other.token());
        drain();
        drain();

        assertTrue(present(provider, other.token()));
    }

    @Test
    @Timeout(20)
    void probeAlreadyInTheMailboxIsReported() throws Exception {
        Delivery early = sendProbe(provider, AGENT);

        start(settings(provider, plain(), true));

        recorder.awaitArrival(early.token());
        drain();
        assertEquals(1, recorder.of(early.token()).size());
    }

    @Test
    @Timeout(30)
    void watcherReconnectsAfterTheServerRestarts() throws Exception {
        start(settings(provider, plain(), true));
        drain();

        provider.stopServers();
        await("a watch failure", () -> !recorder.failures.isEmpty());
        assertFalse(watcher.healthy());
        provider.startOnSamePorts();
        await("the watcher to reconnect", Duration.ofSeconds(15), watcher::healthy);

        drain();
    }

    @Test
    @Timeout(20)
    void wrongPasswordIsReportedAsAuthAndTheWatcherKeepsTrying() throws Exception {
        watcher = create(settings(provider, plain(), provider.accountWithPassword("wrong"), TestProvider.trusted(),
                true, true));
        watcher.start();

        await("two failures", () -> recorder.failures.size() >= 2);

        assertEquals(Reason.AUTH, recorder.failures.get(0));
        assertEquals(Reason.AUTH, recorder.failures.get(1));
        assertFalse(watcher.healthy());
    }

    @Test
    @Timeout(20)
    void implicitTlsWorksWithTheTrustedCa() throws Exception {
        start(settings(provider, implicitTls(), true));

        drain();

        assertTrue(recorder.failures.isEmpty());
    }

    @Test
    @Timeout(20)
    void untrustedCertificateIsReportedAsCertificate() throws Exception {
        watcher = create(settings(provider, implicitTls(), provider.account(), TlsPolicy.verified(), true, true));
        watcher.start();

        await("a failure", () -> !recorder.failures.isEmpty());

        assertEquals(Reason.CERTIFICATE, recorder.failures.get(0));
        assertFalse(watcher.healthy());
    }

    @Test
    @Timeout(20)
    void listenerThatThrowsLeavesTheProbeAndTheWatcherRunning() throws Exception {
        start(settings(provider, plain(), true));
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
    @Timeout(30)
    void foreignMailKeepsEveryFlagAfterManyProbes() throws Exception {
        for (int i = 0; i < 20; i++) {
            Flags flags = new Flags();
            if (i % 3 == 0) {
                flags.add(Flags.Flag.SEEN);
            }
            if (i % 4 == 1 && userDeletedMailCanBeInTheMailbox()) {
                flags.add(Flags.Flag.DELETED); // flagged by the user, not expunged
            }
            if (i % 5 == 2) {
                flags.add(Flags.Flag.FLAGGED);
            }
            Watching.appendForeign(provider, "user mail " + i, flags);
        }
        Map<String, String> before = Watching.snapshot(provider);
        start(settings(provider, plain(), true));

        for (int i = 0; i < 10; i++) {
            Delivery delivery = sendProbe(provider, AGENT);
            recorder.awaitArrival(delivery.token());
            await("probe deletion", Duration.ofSeconds(5), () -> !present(provider, delivery.token()));
        }

        assertEquals(before, Watching.snapshot(provider));
    }
}
