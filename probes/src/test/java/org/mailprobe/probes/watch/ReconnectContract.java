package org.mailprobe.probes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailprobe.probes.testing.Watching.AGENT;
import static org.mailprobe.probes.testing.Watching.await;
import static org.mailprobe.probes.testing.Watching.sendProbe;
import static org.mailprobe.probes.testing.Watching.settings;

import jakarta.mail.Flags;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.internal.MailSessions;
import org.mailprobe.probes.testing.ServiceOutage;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;
import org.mailprobe.probes.testing.Watching.Delivery;
import org.mailprobe.probes.testing.Watching.Recorder;
import org.mailprobe.probes.token.ProbeMessage;

/**
 * How a deleting watcher (IMAP, POP3) comes back after its server was away (issue 12): its own
 * back-off must never date an arrival. Each test stops only the watched server (SMTP and the store
 * carry on) and starts it again on the same port.
 */
abstract class ReconnectContract {
    /**
     * What a reconnect may take beyond the wait the policy allows: connect, login and first look on
     * a loaded test machine. Far below the back-off the watchers used before (8 s and more).
     */
    static final Duration CONNECT_ALLOWANCE = Duration.ofMillis(1500);

    final TestProvider provider = new TestProvider();
    final Recorder recorder = new Recorder();
    final ServiceOutage outage = outage(provider);
    ArrivalWatcher watcher;

    abstract ArrivalWatcher create(WatchSettings settings);

    abstract ServiceOutage outage(TestProvider provider);

    abstract ServerEndpoint endpoint();

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
        outage.close();
        provider.close();
    }

    void start() throws Exception {
        watcher = create(settings(provider, endpoint(), true));
        watcher.start();
        await("the watcher to connect", watcher::healthy);
    }

    /** Stops the server and waits until the watcher has failed {@code times} in a row. */
    void loseTheServer(int times) throws Exception {
        outage.stop();
        await(times + " watch failures", Duration.ofSeconds(40), () -> recorder.failures.size() >= times);
        assertFalse(watcher.healthy());
    }

    /** How long after {@code back} the watcher had a working connection again. */
    Duration reconnectGap(Instant back) throws Exception {
        await("the watcher to reconnect", Duration.ofSeconds(30), watcher::healthy);
        return Duration.between(back, ProbeClock.system().now());
    }

    @Test
    @Timeout(90)
    void withAProbeInFlightTheWatcherReconnectsWithinTheInFlightBoundOfItsServersReturn() throws Exception {
        start();
        watcher.expectArrival(ProbeClock.system().now().plus(Duration.ofMinutes(5)));
        // Four failures in a row: the old doubling back-off then waited 8 s before its next try.
        loseTheServer(4);

        Duration gap = reconnectGap(outage.restart());

        assertTrue(gap.compareTo(ReconnectBackoff.IN_FLIGHT_MAX.plus(CONNECT_ALLOWANCE)) <= 0,
                "reconnected " + gap.toMillis() + " ms after the server's return");
    }

    @Test
    @Timeout(90)
    void reconnectNowEndsALongBackOffAtOnce() throws Exception {
        start();
        // Nothing in flight: the back-off has grown to several seconds after five failures.
        loseTheServer(5);
        Instant back = outage.restart();

        watcher.reconnectNow();

        Duration gap = reconnectGap(back);
        assertTrue(gap.compareTo(CONNECT_ALLOWANCE) <= 0, "reconnected " + gap.toMillis() + " ms after being told");
    }

    @Test
    @Timeout(90)
    void aProbeExpectedEndsALongBackOffAtOnce() throws Exception {
        start();
        loseTheServer(5);
        Instant back = outage.restart();

        watcher.expectArrival(ProbeClock.system().now().plus(Duration.ofMinutes(5)));

        Duration gap = reconnectGap(back);
        assertTrue(gap.compareTo(CONNECT_ALLOWANCE) <= 0,
                "reconnected " + gap.toMillis() + " ms after a probe was expected");
    }

    @Test
    @Timeout(60)
    void probeDeliveredWhileTheWatcherWasBlindIsMarkedWithItsGap() throws Exception {
        start();
        Instant accepted = ProbeClock.system().now(); // stands for the submission's 250
        loseTheServer(1);
        Instant noticedBy = ProbeClock.system().now();
        // INTERNALDATE has whole seconds: delivered in a later second than the 250, it is usable.
        Instant nextSecond = accepted.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        await("the clock to pass " + nextSecond, Duration.ofSeconds(3),
                () -> ProbeClock.system().now().isAfter(nextSecond));
        ProbeToken token = Watching.token(AGENT);
        Instant delivered = deliverDirectly(token);
        Instant back = outage.restart();
        watcher.reconnectNow();

        Arrival arrival = recorder.awaitArrival(token);

        assertTrue(arrival.seenOnReconnect(), "marked as seen on a reconnect");
        Arrival.Blind blind = arrival.blind();
        assertNotNull(blind);
        assertFalse(blind.lostAt().isAfter(noticedBy), "blind from the loss: " + blind);
        assertFalse(blind.reconnectedAt().isBefore(back), "blind until the reconnect: " + blind);
        assertEquals(Duration.between(blind.lostAt(), blind.reconnectedAt()), blind.gap());
        assertEquals(String.valueOf(blind.gap().toMillis()), arrival.evidence().get("blind_gap_ms"));
        assertEquals("true", arrival.evidence().get("seen_on_reconnect"));
        assertDatedByWhatIsKnown(arrival, accepted, delivered);
    }

    /**
     * IMAP: by INTERNALDATE, the server's delivery time, since it lies between the 250 and the
     * sighting. POP3, which has no such stamp: by the reconnect.
     */
    abstract void assertDatedByWhatIsKnown(Arrival arrival, Instant accepted, Instant delivered);

    @Test
    @Timeout(60)
    void probeDeliveredAfterTheReconnectIsNotMarked() throws Exception {
        start();
        loseTheServer(1);
        outage.restart();
        watcher.reconnectNow();
        await("the watcher to reconnect", Duration.ofSeconds(30), watcher::healthy);

        Delivery delivery = sendProbe(provider, AGENT);
        Arrival arrival = recorder.awaitArrival(delivery.token());

        assertFalse(arrival.seenOnReconnect(), "seen live, not on a reconnect");
        assertNull(arrival.blind());
        assertEquals(arrival.seenAt(), arrival.arrivedAt(delivery.accepted()));
    }

    /** Puts a probe into the mailbox as the provider's delivery agent would; returns when. */
    private Instant deliverDirectly(ProbeToken token) throws Exception {
        MimeMessage message = ProbeMessage.build(MailSessions.session(new Properties()), "agent@example.test",
                TestProvider.USER, token, Watching.SIGNER);
        Instant now = ProbeClock.system().now();
        Watching.inbox(provider).appendMessage(message, new Flags(), Date.from(now));
        return now;
    }
}
