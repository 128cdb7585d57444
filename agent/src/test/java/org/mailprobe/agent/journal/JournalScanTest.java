package org.mailprobe.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.config.JournalConfig;
import org.mailprobe.agent.journal.Segments.Segment;

/** The one pass hands over every line of every segment in the chain's order, however many are read at once. */
@Timeout(60)
class JournalScanTest {
    static final Instant START = Instant.parse("2025-06-01T00:00:00Z");

    @TempDir
    Path dir;

    /** Twelve hourly segments (eleven compressed) of 300 probes each. */
    private void hours() throws IOException {
        JournalConfig hourly = new JournalConfig(dir, JournalConfig.Rotation.HOURLY, Duration.ofDays(90),
                Duration.ofSeconds(1));
        try (JournalFixture f = new JournalFixture(dir, START, hourly)) {
            for (int i = 0; i < 12 * 300; i++) {
                Instant at = START.plusMillis(i * 12_000L);
                f.probe("acct" + (i % 7), at, at, Duration.ofMillis(100 + i), "imap");
            }
        }
    }

    /** Every line as the sequential reader sees it: segment:line:sha256. */
    private List<String> sequential() throws IOException {
        List<String> out = new ArrayList<>();
        for (Segment s : Segments.list(dir)) {
            try (Segments.LineReader r = new Segments.LineReader(Segments.open(s))) {
                byte[] line;
                long n = 0;
                while ((line = r.next()) != null) {
                    out.add(s.name() + ":" + ++n + ":" + r.terminated() + ":" + Segments.sha256(line, line.length));
                }
            }
        }
        return out;
    }

    private List<String> scanned(Predicate<JournalScan.Line> goOn) throws IOException {
        List<String> out = new ArrayList<>();
        JournalScan.scan(Segments.list(dir), new JournalScan.Handler() {
            @Override
            public void segment(int index, Segment s) {}

            @Override
            public boolean line(JournalScan.Line l) {
                byte[] b = l.bytes();
                out.add(l.segment() + ":" + l.number() + ":" + l.terminated() + ":" + Segments.sha256(b, b.length));
                return goOn.test(l);
            }
        });
        return out;
    }

    @Test
    void linesComeInTheChainsOrderAcrossManyCompressedSegments() throws IOException {
        hours();
        assertTrue(Segments.list(dir).size() >= 12, Segments.list(dir).toString());

        assertEquals(sequential(), scanned(l -> true));
    }

    @Test
    void aLineLongerThanAChunkAndATornLastLineAreHandedOverWhole() throws IOException {
        try (JournalFixture f = new JournalFixture(dir, START)) {
            ObjectNode big = Journal.newRecord();
            big.put("note", "x".repeat(JournalScan.CHUNK * 2 + 17));
            f.journal.append("note", big);
            f.event("stop");
        }
        Path live = JournalFixture.files(dir).get(0);
        Files.write(live, "{\"seq\":4,\"ti".getBytes(), java.nio.file.StandardOpenOption.APPEND);

        List<String> lines = scanned(l -> true);
        assertEquals(sequential(), lines);
        assertTrue(lines.get(lines.size() - 1).contains(":false:"), lines.toString());
    }

    @Test
    void aHandlerThatStopsLeavesNoReaderRunning() throws Exception {
        hours();

        assertEquals(1, scanned(l -> false).size());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith(
                "mailprobe-journal-read-") && t.isAlive()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith(
                "mailprobe-journal-read-") && t.isAlive()), "a reader thread still runs");
    }

    @Test
    void aSegmentThatCannotBeInflatedFailsTheScanAfterTheSegmentsBeforeIt() throws IOException {
        hours();
        List<Segment> all = Segments.list(dir);
        Files.write(all.get(3).file(), new byte[] {1, 2, 3, 4, 5});
        List<String> seen = new ArrayList<>();

        assertThrows(IOException.class, () -> JournalScan.scan(all, new JournalScan.Handler() {
            @Override
            public void segment(int index, Segment s) {}

            @Override
            public boolean line(JournalScan.Line l) {
                seen.add(l.segment());
                return true;
            }
        }));
        assertEquals(List.of(all.get(0).name(), all.get(1).name(), all.get(2).name()),
                seen.stream().distinct().toList());
    }
}
