package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.config.MailboxKey;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.journal.Journal;
import org.mailprobe.agent.journal.JournalFixture;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;

/** A finished probe's figures are computed once: the journal and the metrics say the same. */
@Timeout(30)
class OneTruthPerProbeTest {
    static final Instant T0 = ProbeRecords.T0;

    @TempDir
    Path dir;

    JournalFixture journal;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final AgentMetrics metrics = new AgentMetrics(registry, "test");
    final List<ProbeFigures> finished = new ArrayList<>();
    final InFlightProbes inFlight = new InFlightProbes("agent-1", metrics, finished::add, ProbeClock.system());

    @BeforeEach
    void open() throws IOException {
        journal = new JournalFixture(dir, T0);
        inFlight.journalTo(new ProbeJournal(journal.journal));
        inFlight.routes(List.of(ProbeRecords.SEND_EXTERNAL_TWO_PATHS, ProbeRecords.LOOP));
    }

    @AfterEach
    void close() {
        journal.close();
    }

    List<JsonNode> records(String type) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        Journal.read(dir, l -> {
            if (l.record().path("type").asText().equals(type)) {
                out.add(l.record());
            }
        });
        return out;
    }

    Timer delay(String route, String path) {
        return registry.get("mailprobe.delivery.delay").tag("route", route).tag("path", path).timer();
    }

    ProbeToken send(RouteConfig route, long seq) {
        ProbeToken token = ProbeRecords.token(route, seq);
        LinkedHashSet<MailboxKey> watches = new LinkedHashSet<>();
        route.watches().forEach(w -> watches.add(ProbeRecords.key(w)));
        inFlight.expect(token.key(), route.name(), route.leg().label(), watches, route.timeout());
        return token;
    }

    void see(ProbeToken token, RouteConfig route, int watch, Instant at, List<String> received) {
        MailboxKey key = ProbeRecords.key(route.watches().get(watch));
        inFlight.onArrival(ProbeRecords.arrival(token, key, at, received, Map.of()));
    }

    @Test
    void sendEstimateIsTheSameInJournalAndMetricsWhicheverPathSeesTheProbeFirst() throws IOException {
        RouteConfig route = ProbeRecords.SEND_EXTERNAL_TWO_PATHS;
        ProbeToken imapFirst = send(route, 1);
        inFlight.submitted(imapFirst.key(), ProbeRecords.accepted(imapFirst, T0));
        see(imapFirst, route, 0, T0.plusMillis(6100), ProbeRecords.RECEIVED);
        see(imapFirst, route, 1, T0.plusMillis(6500), List.of());
        // POP3 here stands for webmail: a copy that shows no Received headers, and it sees the probe first.
        ProbeToken headerlessFirst = send(route, 2);
        inFlight.submitted(headerlessFirst.key(), ProbeRecords.accepted(headerlessFirst, T0));
        see(headerlessFirst, route, 1, T0.plusMillis(5900), List.of());
        see(headerlessFirst, route, 0, T0.plusMillis(6100), ProbeRecords.RECEIVED);

        List<JsonNode> probes = records("probe");
        assertEquals(2, probes.size());
        long journalSum = 0;
        for (JsonNode p : probes) {
            assertEquals(5000, p.path("send_estimate").path("delay_ms").asLong(), p.toString());
            journalSum += p.path("send_estimate").path("delay_ms").asLong();
        }
        Timer estimate = delay(route.name(), AgentMetrics.ESTIMATE_PATH);
        assertEquals(2, estimate.count());
        assertEquals(journalSum, Math.round(estimate.totalTime(TimeUnit.MILLISECONDS)));
    }

    @Test
    void arrivalSeenBeforeThe250WasReadHasDelayZeroAndBothInstantsInTheJournal() throws IOException {
        RouteConfig route = ProbeRecords.LOOP;
        ProbeToken token = send(route, 1);
        // The watchers see it 7 ms before our client has read the 250 (a loaded machine).
        see(token, route, 0, T0.minusMillis(7), List.of());
        see(token, route, 1, T0.plusMillis(300), List.of());
        inFlight.submitted(token.key(), ProbeRecords.accepted(token, T0));

        JsonNode path = records("probe").get(0).path("paths").get(0);
        assertEquals(0, path.path("delay_ms").asLong(), path.toString());
        assertEquals(7, path.path("seen_before_accepted_ms").asLong());
        assertTrue(path.path("order").asText().contains("below resolution"), path.toString());
        assertEquals(T0.minusMillis(7).toString(), path.path("seen_at").asText());
        assertEquals(T0.toString(), records("probe").get(0).path("accepted").asText());
        assertEquals(1, delay(route.name(), "imap").count());
        assertEquals(0.0, delay(route.name(), "imap").totalTime(TimeUnit.MILLISECONDS));
        assertTrue(finished.get(0).paths().get(0).belowResolution());
        assertFalse(finished.get(0).paths().get(0).delay().isNegative());
    }

    @Test
    void probeSeenAfterItWasLostGetsALateRecordWithItsTrueDelayAndACounter() throws IOException {
        RouteConfig route = ProbeRecords.LOOP;
        metrics.registerRoute(route.name(), route.pathLeg().label(), List.of(AccessPath.IMAP, AccessPath.POP3));
        ProbeToken token = send(route, 1);
        inFlight.submitted(token.key(), ProbeRecords.accepted(token, T0));
        see(token, route, 0, T0.plusMillis(400), List.of());
        inFlight.sweep(T0.plus(route.timeout()));
        Instant late = T0.plus(route.timeout()).plusSeconds(180);

        see(token, route, 1, late, List.of());
        see(token, route, 1, late.plusSeconds(5), List.of()); // seen again: reported once

        List<JsonNode> lates = records("late");
        assertEquals(1, lates.size());
        JsonNode l = lates.get(0);
        assertEquals(token.key(), l.path("probe").asText());
        assertEquals("pop3", l.path("path").asText());
        assertEquals(Duration.between(T0, late).toMillis(), l.path("delay_ms").asLong());
        assertEquals(route.timeout().toMillis(), l.path("timeout_ms").asLong());
        assertEquals("p2", l.path("account").asText());
        assertEquals(1.0, registry.get("mailprobe.late.arrivals").tag("route", route.name()).tag("path", "pop3")
                .tag("leg", "loop").counter().count());
        assertEquals(1.0, registry.get("mailprobe.lost.messages").tag("route", route.name()).tag("path", "pop3")
                .counter().count(), "still lost at its timeout: the late record does not undo that");
    }

    @Test
    void journalRecordNamesBothAccounts() throws IOException {
        RouteConfig route = ProbeRecords.LOOP;
        ProbeToken token = send(route, 1);
        inFlight.submitted(token.key(), ProbeRecords.refused(token, T0));

        JsonNode r = records("probe").get(0);
        assertEquals("p1", r.path("from_account").asText());
        assertEquals("p2", r.path("account").asText());
    }

    @Test
    void probeWhoseJournalRecordFailsIsNotCountedInTheMetrics() {
        RouteConfig route = ProbeRecords.LOOP;
        metrics.registerRoute(route.name(), route.pathLeg().label(), List.of(AccessPath.IMAP, AccessPath.POP3));
        journal.close(); // every append now fails
        ProbeToken token = send(route, 1);
        inFlight.submitted(token.key(), ProbeRecords.accepted(token, T0));
        see(token, route, 0, T0.plusMillis(400), List.of());
        see(token, route, 1, T0.plusMillis(500), List.of());

        assertEquals(0, delay(route.name(), "imap").count());
        assertEquals(0.0, registry.get("mailprobe.probes").tag("route", route.name()).tag("reason", "none").counter()
                .count());
        assertEquals(1.0, registry.get("mailprobe.probes.unjournaled").tag("route", route.name()).counter().count());
    }
}
