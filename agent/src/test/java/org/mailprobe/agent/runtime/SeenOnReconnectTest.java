package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.config.JournalConfig;
import org.mailprobe.agent.config.MailboxKey;
import org.mailprobe.agent.journal.Journal;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;

/**
 * A probe first seen when its watcher came back after a lost connection (issue 12): its delay runs
 * to the dated arrival (here its INTERNALDATE), not to the reconnect, in the outcome, the metric and
 * the journal, and the journal keeps the mark and the blind gap.
 */
class SeenOnReconnectTest {
    static final Instant T0 = InFlightProbesTest.T0;
    static final MailboxKey IMAP = InFlightProbesTest.IMAP;
    static final Instant INTERNAL_DATE = T0.plusSeconds(10);
    static final Arrival.Blind BLIND = new Arrival.Blind(T0.plusSeconds(5), T0.plusSeconds(59));

    @TempDir
    Path dir;

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final List<ProbeFigures> finished = new ArrayList<>();
    final InFlightProbes inFlight = new InFlightProbes("me", new AgentMetrics(registry, "test"), finished::add, ProbeClock.system());
    final ProbeToken token = new ProbeToken("me", "r1", 1, T0);

    private void seenOnReconnect() {
        inFlight.expect(token.key(), "r1", "loop", Set.of(IMAP), Duration.ofMinutes(5));
        inFlight.submitted(token.key(), InFlightProbesTest.accepted(token, T0));
        inFlight.onArrival(new Arrival(token, IMAP.path(), IMAP.mailbox(), T0.plusSeconds(60), INTERNAL_DATE,
                List.of()).seenOnReconnect(BLIND));
    }

    @Test
    @Timeout(10)
    void theOutcomesDelayRunsToTheDatedArrival() {
        seenOnReconnect();

        assertEquals(Duration.ofSeconds(10), finished.get(0).path(IMAP).delay());
    }

    @Test
    @Timeout(10)
    void theMetricRecordsTheDatedDelay() {
        seenOnReconnect();

        assertEquals(10.0, registry.get("mailprobe.delivery.delay").tag("path", "imap").timer()
                .totalTime(TimeUnit.SECONDS), 1e-9);
    }

    @Test
    @Timeout(10)
    void theJournalRecordKeepsTheDatedDelayTheMarkAndTheBlindGap() throws Exception {
        try (Journal journal = Journal.open(JournalConfig.defaults(dir), "me", "site", () -> T0.plusSeconds(61))) {
            inFlight.journalTo(new ProbeJournal(journal));
            seenOnReconnect();
        }
        List<JsonNode> paths = new ArrayList<>();
        Journal.read(dir, located -> {
            if (located.record().has("paths")) {
                located.record().get("paths").forEach(paths::add);
            }
        });

        JsonNode imap = paths.get(0);
        assertEquals(10_000, imap.get("delay_ms").asLong());
        assertEquals(T0.plusSeconds(60).toString(), imap.get("seen_at").asText(), "the sighting stays evidence");
        JsonNode evidence = imap.get("evidence");
        assertNotNull(evidence);
        assertEquals("true", evidence.get("seen_on_reconnect").asText());
        assertEquals("54000", evidence.get("blind_gap_ms").asText());
    }
}
