package org.mailprobe.probes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailprobe.probes.testing.Watching.AGENT;
import static org.mailprobe.probes.testing.Watching.present;
import static org.mailprobe.probes.testing.Watching.sendProbe;
import static org.mailprobe.probes.testing.Watching.settings;

import java.time.Duration;
import java.time.Instant;
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

class Pop3ArrivalWatcherTest extends ArrivalWatcherContract {
    @Override
    ArrivalWatcher create(WatchSettings settings) {
        return new Pop3ArrivalWatcher(settings, Watching.SIGNER, recorder, ProbeClock.system());
    }

    @Override
    ServerEndpoint plain() {
        return provider.pop3();
    }

    @Override
    ServerEndpoint implicitTls() {
        return provider.pop3s();
    }

    /**
     * No: GreenMail's POP3 QUIT expunges every \Deleted message in the store, whoever flagged it,
     * and its TOP/DELE number messages differently from its LIST when any exist. That is the test
     * server's doing, not the watcher's (the IMAP test has such mail).
     */
    @Override
    boolean userDeletedMailCanBeInTheMailbox() {
        return false;
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

    /** The arrival is dated by the clock the watcher is given, not by one it reaches for. */
    @Test
    @Timeout(20)
    void arrivalIsDatedByTheClockTheWatcherIsGiven() throws Exception {
        Instant fixed = Instant.parse("2031-03-04T05:06:07.089Z");
        watcher = new Pop3ArrivalWatcher(settings(provider, provider.pop3(), true), Watching.SIGNER, recorder,
                () -> fixed);
        watcher.start();
        Delivery delivery = sendProbe(provider, AGENT);

        Arrival arrival = recorder.awaitArrival(delivery.token());

        assertEquals(fixed, arrival.seenAt());
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
    void forgedTokensAndForeignMailAreNeverReportedNorTouched() throws Exception {
        start(settings(provider, provider.pop3(), true));
        ProbeToken token = Watching.token(AGENT);
        String genuine = Watching.SIGNER.sign(token);
        Watching.sendWithHeader(provider, "wrong key", Watching.WRONG_SIGNER.sign(token));
        Watching.sendWithHeader(provider, "edited time", genuine.replace("t=" + token.stampedAt().toEpochMilli(),
                "t=" + (token.stampedAt().toEpochMilli() - 60_000)));
        Watching.sendWithHeader(provider, "plain foreign mail", null);

        drain();
        drain();

        assertEquals(2, recorder.arrivals.size(), "only the genuine probes: " + recorder.arrivals);
        for (String subject : new String[] {"wrong key", "edited time", "plain foreign mail"}) {
            assertEquals("", Watching.flags(provider, subject), subject + " is still there, flags untouched");
        }
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
