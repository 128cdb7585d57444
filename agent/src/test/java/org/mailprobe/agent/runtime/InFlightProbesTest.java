package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mailprobe.agent.config.MailboxKey;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.submit.SubmissionResult;

class InFlightProbesTest {
    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final MailboxKey IMAP = new MailboxKey(AccessPath.IMAP, "u@h:143/INBOX");
    static final MailboxKey POP3 = new MailboxKey(AccessPath.POP3, "u@h:110/INBOX");

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final List<ProbeFigures> finished = new ArrayList<>();
    final AgentMetrics metrics = new AgentMetrics(registry, "test");
    final InFlightProbes inFlight = new InFlightProbes("me", metrics, finished::add, ProbeClock.system());
    final ProbeToken token = new ProbeToken("me", "r1", 1, T0);

    static SubmissionResult accepted(ProbeToken token, Instant at) {
        return new SubmissionResult(token, Reason.NONE, null, at.minusMillis(20), at, Map.of(Stage.DATA, Duration.ofMillis(20)),
                "250 ok", "");
    }

    Arrival arrival(ProbeToken t, MailboxKey w, Instant seen) {
        return new Arrival(t, w.path(), w.mailbox(), seen, null, List.of());
    }

    double delayCount(String path) {
        return registry.get("mailprobe.delivery.delay").tag("path", path).timer().count();
    }

    @Test
    void onlyOnePathDeletesAProbeTheImapOneWhenThereIsOne() {
        inFlight.expect(token.key(), "r1", "loop", Set.of(IMAP, POP3), Duration.ofMinutes(1));
        inFlight.submitted(token.key(), accepted(token, T0));

        assertFalse(inFlight.onArrival(arrival(token, POP3, T0.plusMillis(300))), "POP3 never deletes beside IMAP");
        assertTrue(inFlight.onArrival(arrival(token, IMAP, T0.plusMillis(900))), "IMAP, seeing it last, deletes it");

        assertFalse(inFlight.mayDeleteNow(token, AccessPath.POP3, POP3.mailbox()), "not POP3 later either");
        assertFalse(inFlight.onArrival(arrival(token, POP3, T0.plusMillis(2000))), "nor a late sighting on POP3");
        assertTrue(inFlight.onArrival(arrival(token, IMAP, T0.plusMillis(2000))), "a late copy: IMAP removes it");
    }

    @Test
    void withoutImapThePop3PathDeletes() {
        inFlight.expect(token.key(), "r1", "loop", Set.of(POP3), Duration.ofMinutes(1));
        inFlight.submitted(token.key(), accepted(token, T0));

        assertTrue(inFlight.onArrival(arrival(token, POP3, T0.plusMillis(300))));
    }

    @Test
    void probeSeenOnEveryPathSucceedsWithADelayPerPath() {
        inFlight.expect(token.key(), "r1", "loop", Set.of(IMAP, POP3), Duration.ofMinutes(1));
        inFlight.submitted(token.key(), accepted(token, T0));

        assertFalse(inFlight.onArrival(arrival(token, IMAP, T0.plusMillis(300))), "kept for the other path");
        assertFalse(inFlight.onArrival(arrival(token, POP3, T0.plusMillis(900))), "IMAP deletes it, not POP3");

        assertTrue(inFlight.mayDeleteNow(token, AccessPath.IMAP, IMAP.mailbox()), "the IMAP watcher deletes it now");
        assertEquals(1, finished.size());
        assertEquals(Reason.NONE, finished.get(0).reason());
        assertEquals(Duration.ofMillis(300), finished.get(0).delay(IMAP));
        assertEquals(Duration.ofMillis(900), finished.get(0).delay(POP3));
        assertEquals(1, delayCount("imap"));
        assertEquals(1, delayCount("pop3"));
        assertEquals(0, inFlight.size());
    }

    /** Records what a watcher is told about expected probes. */
    static final class Expecting implements org.mailprobe.probes.ArrivalWatcher {
        final MailboxKey key;
        final List<Instant> told = new ArrayList<>();

        Expecting(MailboxKey key) {
            this.key = key;
        }

        @Override
        public void expectArrival(Instant until) {
            told.add(until);
        }

        Instant last() {
            return told.get(told.size() - 1);
        }

        @Override
        public void start() {}

        @Override
        public AccessPath path() {
            return key.path();
        }

        @Override
        public String mailbox() {
            return key.mailbox();
        }

        @Override
        public boolean healthy() {
            return true;
        }

        @Override
        public void close() {}
    }

    @Test
    void watchersExpectAProbeFromRegistrationUntilEachOfThemHasSeenIt() {
        Expecting imap = new Expecting(IMAP);
        Expecting pop3 = new Expecting(POP3);
        inFlight.expectationsTo(k -> k.equals(IMAP) ? imap : k.equals(POP3) ? pop3 : null);
        Instant before = Instant.now();
        inFlight.expect(token.key(), "r1", "loop", Set.of(IMAP, POP3), Duration.ofMinutes(1));
        assertTrue(imap.last().isAfter(before.plusSeconds(50)), "expected for about its timeout: " + imap.told);
        assertTrue(pop3.last().isAfter(before.plusSeconds(50)), pop3.told.toString());

        inFlight.submitted(token.key(), accepted(token, T0));
        inFlight.onArrival(arrival(token, IMAP, T0.plusMillis(300)));
        assertFalse(imap.last().isAfter(Instant.now()), "seen on IMAP: nothing more expected there");
        assertTrue(pop3.last().isAfter(Instant.now()), "still expected on POP3");

        inFlight.onArrival(arrival(token, POP3, T0.plusMillis(900)));
        assertFalse(pop3.last().isAfter(Instant.now()));
    }

    @Test
    void aWatcherStillExpectsTheOtherProbesOnTheirWay() {
        Expecting imap = new Expecting(IMAP);
        inFlight.expectationsTo(k -> imap);
        ProbeToken second = new ProbeToken("me", "r1", 2, T0);
        inFlight.expect(token.key(), "r1", "loop", Set.of(IMAP), Duration.ofMinutes(1));
        inFlight.expect(second.key(), "r1", "loop", Set.of(IMAP), Duration.ofMinutes(1));
        inFlight.submitted(token.key(), accepted(token, T0));
        inFlight.submitted(second.key(), accepted(second, T0));

        inFlight.onArrival(arrival(token, IMAP, T0.plusMillis(300)));
        assertTrue(imap.last().isAfter(Instant.now()), "the second probe is still on its way");
        inFlight.onArrival(arrival(second, IMAP, T0.plusMillis(400)));
        assertFalse(imap.last().isAfter(Instant.now()));
    }

    @Test
    void arrivalBeforeTheServersReplyIsMeasuredOnceTheReplyIsKnown() {
        inFlight.expect(token.key(), "r1", "loop", Set.of(IMAP), Duration.ofMinutes(1));

        assertTrue(inFlight.onArrival(arrival(token, IMAP, T0.plusMillis(5))));
        assertTrue(finished.isEmpty());
        inFlight.submitted(token.key(), accepted(token, T0));

        assertEquals(1, finished.size());
        assertEquals(Duration.ofMillis(5), finished.get(0).delay(IMAP));
    }

    @Test
    void pathNotSeenByTheDeadlineIsLostAndCounted() {
        metrics.registerRoute("r1", "loop", List.of(AccessPath.IMAP, AccessPath.POP3));
        inFlight.expect(token.key(), "r1", "loop", Set.of(IMAP, POP3), Duration.ofSeconds(10));
        inFlight.submitted(token.key(), accepted(token, T0));
        inFlight.onArrival(arrival(token, IMAP, T0.plusSeconds(1)));

        inFlight.sweep(T0.plusSeconds(9));
        assertTrue(finished.isEmpty());
        inFlight.sweep(T0.plusSeconds(10));

        assertEquals(Reason.LOST, finished.get(0).reason());
        assertNull(finished.get(0).delay(POP3));
        assertEquals(1, registry.get("mailprobe.lost.messages").tag("path", "pop3").counter().count());
        assertEquals(0, registry.get("mailprobe.lost.messages").tag("path", "imap").counter().count());
        assertEquals(1, registry.get("mailprobe.probes").tag("reason", "lost").counter().count());
    }

    @Test
    void failedSubmissionFinishesTheProbeWithItsReason() {
        inFlight.expect(token.key(), "r1", "loop", Set.of(IMAP), Duration.ofMinutes(1));
        inFlight.submitted(token.key(), new SubmissionResult(token, Reason.AUTH, Stage.AUTH, T0, null, Map.of(), "535", "x"));

        assertEquals(Reason.AUTH, finished.get(0).reason());
        assertEquals(1, registry.get("mailprobe.probes").tag("reason", "auth").counter().count());
        assertEquals(0, inFlight.size());
    }

    @Test
    void anotherAgentsProbeIsNeitherCountedNorDeleted() {
        ProbeToken theirs = new ProbeToken("someone-else", "r1", 1, T0);
        inFlight.expect(token.key(), "r1", "loop", Set.of(IMAP), Duration.ofMinutes(1));

        assertFalse(inFlight.onArrival(arrival(theirs, IMAP, T0)));
        assertTrue(finished.isEmpty());
        assertEquals(1, inFlight.size());
    }

    @Test
    void lateArrivalOfALostProbeIsCleanedUpButNotCountedAgain() {
        inFlight.expect(token.key(), "r1", "loop", Set.of(IMAP), Duration.ofSeconds(10));
        inFlight.submitted(token.key(), accepted(token, T0));
        inFlight.sweep(T0.plusSeconds(10));

        assertTrue(inFlight.onArrival(arrival(token, IMAP, T0.plusSeconds(30))));
        assertEquals(1, finished.size());
        assertTrue(registry.find("mailprobe.delivery.delay").timers().isEmpty());
    }

    @Test
    void verifiedTokenThisProcessNeverSentIsLeftInPlace() {
        ProbeToken notSentByUs = new ProbeToken("me", "r1", 99, T0);

        assertFalse(inFlight.onArrival(arrival(notSentByUs, IMAP, T0)));
        assertTrue(finished.isEmpty());
        assertTrue(registry.find("mailprobe.delivery.delay").timers().isEmpty());
    }
}
