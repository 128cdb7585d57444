package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.config.Leg;
import org.mailprobe.agent.config.MailboxKey;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.agent.journal.Journal;
import org.mailprobe.agent.journal.JournalFixture;
import org.mailprobe.agent.journal.RecordFields;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;

/**
 * A probe the provider put in Junk (issue 14): seen there by an IMAP watch of INBOX and Junk, it is
 * by default not delivered to its user (reason junk, path counted lost, delay kept as evidence);
 * where the watch says junk_counts_as_delivered it is delivered, with its folder said either way.
 */
@Timeout(30)
class JunkFolderFiguresTest {
    static final Instant T0 = ProbeRecords.T0;

    @TempDir
    Path dir;

    JournalFixture journal;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final AgentMetrics metrics = new AgentMetrics(registry, "test");
    final List<ProbeFigures> finished = new ArrayList<>();
    final InFlightProbes inFlight = new InFlightProbes("agent-1", metrics, finished::add, ProbeClock.system());

    @AfterEach
    void close() {
        journal.close();
    }

    static RouteConfig route(boolean junkDelivered) {
        WatchConfig plain = ProbeRecords.watch(AccessPath.IMAP, ProbeRecords.IMAP, ProbeRecords.P2);
        WatchConfig folders = new WatchConfig(plain.path(), plain.server(), plain.account(), "INBOX",
                plain.pollInterval(), true, true, List.of("INBOX", WatchConfig.SPECIAL_USE_JUNK), List.of(), junkDelivered);
        return new RouteConfig("receive-p2", Leg.RECEIVE, null, null, ProbeRecords.P2, Duration.ofMinutes(1),
                Duration.ZERO, Duration.ofHours(1), List.of(folders), "mailprobe@agent.test",
                ProbeRecords.P2.address(), ProbeRecords.RECEIVE.direct(), null);
    }

    /** Sends one probe on {@code route} and has its IMAP watch see it in {@code folder} 800 ms after the 250. */
    void probeSeenIn(RouteConfig route, String folder, boolean junk) throws IOException {
        journal = new JournalFixture(dir, T0);
        inFlight.journalTo(new ProbeJournal(journal.journal));
        inFlight.routes(List.of(route));
        metrics.registerRoute(route.name(), "receive", List.of(AccessPath.IMAP));
        metrics.registerFolders(route.name(), AccessPath.IMAP, route.watches().get(0).folderLabels());
        ProbeToken token = ProbeRecords.token(route, 1);
        MailboxKey key = route.watches().get(0).mailboxKey();
        inFlight.expect(token.key(), route.name(), "receive", new LinkedHashSet<>(List.of(key)), route.timeout());
        inFlight.submitted(token.key(), ProbeRecords.accepted(token, T0));
        Arrival seen = ProbeRecords.arrival(token, key, T0.plusMillis(800), List.of(), Map.of()).inFolder(folder, junk);
        inFlight.onArrival(seen);
    }

    JsonNode probeRecord() throws IOException {
        return record("probe");
    }

    JsonNode record(String type) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        Journal.read(dir, l -> {
            if (l.record().path("type").asText().equals(type)) {
                out.add(l.record());
            }
        });
        assertEquals(1, out.size());
        return out.get(0);
    }

    double count(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void probeSeenOnlyInJunkIsJunkByDefaultAndCountedLikeLost() throws IOException {
        probeSeenIn(route(false), "Junk", true);

        assertEquals(Reason.JUNK, finished.get(0).reason());
        JsonNode record = probeRecord();
        assertEquals("junk", record.path("reason").asText());
        assertEquals("failure", record.path("outcome").asText());
        JsonNode path = record.path("paths").get(0);
        assertEquals("Junk", path.path("folder").asText());
        assertTrue(path.path("junk_folder").asBoolean());
        assertEquals(800, path.path("delay_ms").asLong(), "the delay is kept as evidence");
        assertTrue(RecordFields.of(record.toString().getBytes(StandardCharsets.UTF_8)).paths().get(0).lost(),
                "the report reads the path as lost");
        assertEquals(1.0, count("mailprobe.lost.messages", "route", "receive-p2", "path", "imap"));
        assertEquals(0, registry.get("mailprobe.delivery.delay").tag("route", "receive-p2").timer().count());
        assertEquals(1.0, count("mailprobe.arrivals", "route", "receive-p2", "path", "imap", "folder", "Junk"));
        assertEquals(1.0, count("mailprobe.probes", "route", "receive-p2", "reason", "junk"));
    }

    @Test
    void probeInJunkIsDeliveredWhereTheWatchSaysJunkCountsAsDelivered() throws IOException {
        probeSeenIn(route(true), "Junk", true);

        assertEquals(Reason.NONE, finished.get(0).reason());
        JsonNode path = probeRecord().path("paths").get(0);
        assertEquals("Junk", path.path("folder").asText());
        assertFalse(path.has("lost"), path.toString());
        assertEquals(1, registry.get("mailprobe.delivery.delay").tag("route", "receive-p2").timer().count());
        assertEquals(1.0, count("mailprobe.arrivals", "route", "receive-p2", "path", "imap", "folder", "Junk"));
        assertEquals(0.0, count("mailprobe.lost.messages", "route", "receive-p2", "path", "imap"));
    }

    @Test
    void probeFoundInJunkAfterItsTimeoutHasALateRecordSayingJunk() throws IOException {
        RouteConfig route = route(false);
        journal = new JournalFixture(dir, T0);
        inFlight.journalTo(new ProbeJournal(journal.journal));
        inFlight.routes(List.of(route));
        ProbeToken token = ProbeRecords.token(route, 1);
        MailboxKey key = route.watches().get(0).mailboxKey();
        inFlight.expect(token.key(), route.name(), "receive", new LinkedHashSet<>(List.of(key)), route.timeout());
        inFlight.submitted(token.key(), ProbeRecords.accepted(token, T0));
        inFlight.sweep(T0.plus(route.timeout()));

        inFlight.onArrival(ProbeRecords.arrival(token, key, T0.plus(route.timeout()).plusSeconds(5), List.of(),
                Map.of()).inFolder("Junk", true));

        JsonNode late = record("late");
        assertEquals("Junk", late.path("folder").asText(), late.toString());
        assertTrue(late.path("junk_folder").asBoolean());
    }

    @Test
    void probeInTheInboxOfAMultiFolderWatchSaysInbox() throws IOException {
        probeSeenIn(route(false), "INBOX", false);

        assertEquals(Reason.NONE, finished.get(0).reason());
        JsonNode path = probeRecord().path("paths").get(0);
        assertEquals("INBOX", path.path("folder").asText());
        assertFalse(path.has("junk_folder"), path.toString());
        assertEquals(1.0, count("mailprobe.arrivals", "route", "receive-p2", "path", "imap", "folder", "INBOX"));
        assertEquals(0.0, count("mailprobe.arrivals", "route", "receive-p2", "path", "imap", "folder", "Junk"));
    }
}
