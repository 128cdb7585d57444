package org.mailprobe.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.config.JournalConfig;

/** Three daily segments of ten records each; every kind of tampering is found and located. */
@Timeout(60)
class JournalVerifierTest {
    static final Instant DAY1 = Instant.parse("2025-06-01T08:00:00Z");

    @TempDir
    Path dir;

    @BeforeEach
    void threeDays() throws IOException {
        try (JournalFixture f = new JournalFixture(dir, DAY1)) {
            for (int day = 0; day < 3; day++) {
                for (int i = 0; i < 9; i++) {
                    f.at(DAY1.plus(Duration.ofDays(day)).plusSeconds(60L * i)).event("tick-" + i);
                }
            }
            f.event("stop");
        }
    }

    private List<Path> segments() throws IOException {
        List<Path> s = JournalFixture.files(dir);
        assertEquals(3, s.size(), s.toString());
        return s;
    }

    private JournalVerifier.Result verify() throws IOException {
        return JournalVerifier.verify(dir);
    }

    @Test
    void anUntouchedJournalVerifies() throws IOException {
        JournalVerifier.Result r = verify();
        assertTrue(r.ok(), r.problem());
        assertEquals(3, r.segments());
        assertEquals(31, r.records()); // 3 headers, 27 ticks, 1 stop
        assertTrue(segments().get(0).toString().endsWith(".jsonl.gz"), "finished segments are compressed");
    }

    @Test
    void anEditedRecordIsFoundAtTheLineAfterIt() throws IOException {
        Path seg = segments().get(1);
        List<String> lines = JournalFixture.lines(seg);
        lines.set(4, lines.get(4).replace("tick-3", "tick-X"));
        JournalFixture.write(seg, lines);
        JournalVerifier.Result r = verify();
        assertFalse(r.ok());
        assertEquals("journal-20250602", r.breakSegment());
        assertEquals(6, r.breakLine());
        assertTrue(r.problem().contains("line 5") && r.problem().contains("edited"), r.problem());
    }

    @Test
    void anInsertedRecordIsFound() throws IOException {
        Path seg = segments().get(1);
        List<String> lines = JournalFixture.lines(seg);
        lines.add(3, lines.get(2));
        JournalFixture.write(seg, lines);
        JournalVerifier.Result r = verify();
        assertFalse(r.ok());
        assertEquals("journal-20250602", r.breakSegment());
        assertEquals(4, r.breakLine());
        assertTrue(r.problem().contains("inserted"), r.problem());
    }

    @Test
    void reorderedRecordsAreFound() throws IOException {
        Path seg = segments().get(2);
        List<String> lines = JournalFixture.lines(seg);
        Collections.swap(lines, 3, 4);
        JournalFixture.write(seg, lines);
        JournalVerifier.Result r = verify();
        assertFalse(r.ok());
        assertEquals("journal-20250603", r.breakSegment());
        assertEquals(4, r.breakLine());
        assertTrue(r.problem().contains("moved"), r.problem());
    }

    @Test
    void aRemovedRecordIsFound() throws IOException {
        Path seg = segments().get(0);
        List<String> lines = JournalFixture.lines(seg);
        lines.remove(5);
        JournalFixture.write(seg, lines);
        JournalVerifier.Result r = verify();
        assertFalse(r.ok());
        assertEquals("journal-20250601", r.breakSegment());
        assertEquals(6, r.breakLine());
        assertTrue(r.problem().contains("record 6 is missing"), r.problem());
    }

    @Test
    void aRemovedSegmentIsFound() throws IOException {
        Files.delete(segments().get(1));
        JournalVerifier.Result r = verify();
        assertFalse(r.ok());
        assertEquals("journal-20250603", r.breakSegment());
        assertEquals(1, r.breakLine());
        assertTrue(r.problem().contains("segment journal-20250602 is missing"), r.problem());
    }

    @Test
    void aRemovedFirstSegmentIsFound() throws IOException {
        Files.delete(segments().get(0));
        JournalVerifier.Result r = verify();
        assertFalse(r.ok());
        assertEquals("journal-20250602", r.breakSegment());
        assertTrue(r.problem().contains("earlier segments were removed"), r.problem());
    }

    @Test
    void aTornLastLineIsNotTamperingAndIsCutWithANoteAtTheNextStart() throws IOException {
        Path last = segments().get(2);
        String torn = "{\"seq\":32,\"time\":\"2025-06-03T09:00:00Z\",\"type\":\"pro";
        Files.writeString(last, torn, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        JournalVerifier.Result before = verify();
        assertTrue(before.ok(), before.problem());
        assertTrue(before.notes().get(0).contains("torn last record"), before.notes().toString());

        try (JournalFixture f = new JournalFixture(dir, Instant.parse("2025-06-03T10:00:00Z"))) {
            f.event("stop");
        }
        JournalVerifier.Result after = verify();
        assertTrue(after.ok(), after.problem());
        List<JsonNode> notes = new ArrayList<>();
        Journal.read(dir, l -> {
            if (l.record().path("type").asText().equals("note")) {
                notes.add(l.record());
            }
        });
        assertEquals(1, notes.size(), notes.toString()); // the last run ended with stop: no unclean note
        assertEquals("torn_tail", notes.get(0).path("note").asText());
        assertEquals(torn, notes.get(0).path("cut_text").asText());
        assertEquals(torn.length(), notes.get(0).path("cut_bytes").asInt());
    }

    @Test
    void aRunWithoutAStopRecordIsNotedAtTheNextStart() throws IOException {
        Path last = segments().get(2);
        List<String> lines = JournalFixture.lines(last);
        lines.remove(lines.size() - 1); // as if killed before the stop record
        JournalFixture.write(last, lines);
        try (JournalFixture f = new JournalFixture(dir, Instant.parse("2025-06-03T10:00:00Z"))) {
            f.event("stop");
        }
        JournalVerifier.Result r = verify();
        assertTrue(r.ok(), r.problem());
        List<String> notes = new ArrayList<>();
        Journal.read(dir, l -> notes.add(l.record().path("note").asText("")));
        assertTrue(notes.contains("unclean_stop"), notes.toString());
    }

    @Test
    void retentionRemovesOldSegmentsAndTheChainStillVerifiesFromTheirRecord() throws IOException {
        JournalConfig config = new JournalConfig(dir, JournalConfig.Rotation.DAILY, Duration.ofDays(40), Duration.ZERO);
        try (JournalFixture f = new JournalFixture(dir, Instant.parse("2025-07-20T10:00:00Z"), config)) {
            f.event("stop");
        }
        JournalVerifier.Result r = verify();
        assertTrue(r.ok(), r.problem());
        // 40 days before 07-20 is 06-10: 06-01 and 06-02 ended before it; 06-03 ends when 07-20 begins.
        assertEquals(2, r.segments());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("journal-20250601 was removed by retention")),
                r.notes().toString());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("journal-20250602 was removed by retention")),
                r.notes().toString());
    }
}
