package org.mailprobe.probes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailprobe.probes.testing.Watching.AGENT;
import static org.mailprobe.probes.testing.Watching.OTHER_AGENT;
import static org.mailprobe.probes.testing.Watching.present;
import static org.mailprobe.probes.testing.Watching.sendProbe;
import static org.mailprobe.probes.testing.Watching.settings;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;
import org.mailprobe.probes.testing.Watching.Delivery;
import org.mailprobe.probes.token.ProbeMessage;

class ImapArrivalWatcherTest extends ArrivalWatcherContract {
    @Override
    ArrivalWatcher create(WatchSettings settings) {
        return new ImapArrivalWatcher(settings, Watching.SIGNER, recorder, ProbeClock.system());
    }

    @Override
    ServerEndpoint plain() {
        return provider.imap();
    }

    @Override
    ServerEndpoint implicitTls() {
        return provider.imaps();
    }

    @Test
    @Timeout(20)
    void probeIsReportedOnceThroughIdle() throws Exception {
        // Nothing expected and a long refresh: only the server's IDLE push can find the probe in time.
        start(settings(provider, provider.imap(), provider.account(), TestProvider.trusted(), true, true));
        Delivery delivery = sendProbe(provider, AGENT);

        Arrival arrival = recorder.awaitArrival(delivery.token());
        drain();

        assertEquals(1, recorder.of(delivery.token()).size());
        assertEquals(AccessPath.IMAP, arrival.path());
        assertEquals(watcher.mailbox(), arrival.mailbox());
        assertFalse(arrival.seenAt().isBefore(delivery.before()));
        assertTrue(Duration.between(delivery.before(), arrival.seenAt()).compareTo(Duration.ofSeconds(2)) < 0,
                "seen " + Duration.between(delivery.before(), arrival.seenAt()) + " after sending");
        assertTrue(arrival.serverTime() != null, "INTERNALDATE is kept as evidence");
        assertFalse(arrival.received().isEmpty(), "Received headers are kept as evidence");
    }

    @Test
    @Timeout(20)
    void probeIsReportedOnceByForcedPolling() throws Exception {
        start(settings(provider, provider.imap(), provider.account(), TestProvider.trusted(), true, false));
        Delivery delivery = sendProbe(provider, AGENT);

        Arrival arrival = recorder.awaitArrival(delivery.token());
        drain();

        assertEquals(1, recorder.of(delivery.token()).size());
        assertFalse(arrival.seenAt().isBefore(delivery.before()));
        assertTrue(Duration.between(delivery.before(), arrival.seenAt()).compareTo(Duration.ofSeconds(2)) < 0);
    }

    @Test
    @Timeout(20)
    void measuredProbeIsKeptWhenDeletionIsOff() throws Exception {
        start(settings(provider, provider.imap(), false));
        Delivery delivery = sendProbe(provider, AGENT);

        recorder.awaitArrival(delivery.token());
        drain();

        assertTrue(present(provider, delivery.token()));
        assertEquals("", Watching.flags(provider, ProbeMessage.subject(delivery.token())), "not even \\Seen");
    }

    @Test
    @Timeout(20)
    void probeTheListenerDidNotMeasureIsKept() throws Exception {
        recorder.measured = false;
        start(settings(provider, provider.imap(), true));
        Delivery delivery = sendProbe(provider, AGENT);

        recorder.awaitArrival(delivery.token());
        recorder.measured = true;
        drain();

        assertTrue(present(provider, delivery.token()));
    }

    @Test
    @Timeout(20)
    void forgedTokensAndForeignMailAreNeverReportedNorTouched() throws Exception {
        start(settings(provider, provider.imap(), true));
        ProbeToken token = Watching.token(AGENT);
        String genuine = Watching.SIGNER.sign(token);
        Watching.sendWithHeader(provider, "wrong key", Watching.WRONG_SIGNER.sign(token));
        Watching.sendWithHeader(provider, "edited sequence",
                genuine.replace("n=" + token.sequence() + ";", "n=" + (token.sequence() + 1000) + ";"));
        Watching.sendWithHeader(provider, "edited agent", genuine.replace("a=" + AGENT, "a=" + OTHER_AGENT));
        Watching.sendWithHeader(provider, "garbage", "v=1; a=x; s=" + "A".repeat(500));
        Watching.sendWithHeader(provider, "plain foreign mail", null);

        drain();

        assertEquals(1, recorder.arrivals.size(), "only the genuine probe sent last: " + recorder.arrivals);
        for (String subject : new String[] {"wrong key", "edited sequence", "edited agent", "garbage",
                "plain foreign mail"}) {
            assertEquals("", Watching.flags(provider, subject), subject + " is still there, flags untouched");
        }
    }

    @Test
    @Timeout(20)
    void closeReturnsPromptlyWhileIdling() throws Exception {
        start(settings(provider, provider.imap(), provider.account(), TestProvider.trusted(), true, true));
        drain(); // then it waits in IDLE, with no recheck to wake it

        long started = System.nanoTime();
        watcher.close();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "close took " + took);
        assertFalse(watcher.healthy());
        assertTrue(recorder.failures.isEmpty(), "a close is not a failure: " + recorder.failures);
    }
}
