package org.mailprobe.agent.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a disk or a clock did to the journal does not stop the agent, and is noted, not lost (issue 11). */
@Timeout(60)
class JournalStartUpTest {
    static final Instant DAY1 = Instant.parse("2025-06-01T08:00:00Z");
    /** Whole lines, newline-terminated, that are no records: JSON that is no record, a NUL run, binary. */
    static final byte[] GARBAGE = concat("{\"not\":\"a record\"}\n".getBytes(StandardCharsets.UTF_8),
            new byte[] {0, 0, 0, 0, '\n', (byte) 0xff, (byte) 0xfe, 'x', '\n'});

    @TempDir
    Path dir;

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private Path oneDayWithGarbageAtTheEnd() throws IOException {
        try (JournalFixture f = new JournalFixture(dir, DAY1)) {
            f.event("tick");
            f.event("stop");
        }
        Path last = JournalFixture.files(dir).get(0);
        Files.write(last, GARBAGE, StandardOpenOption.APPEND);
        return last;
    }

    private List<JsonNode> notes() throws IOException {
        List<JsonNode> notes = new ArrayList<>();
        Journal.read(dir, l -> {
            if (l.record().path("type").asText().equals("note")) {
                notes.add(l.record());
            }
        });
        return notes;
    }

    @Test
    void garbageLinesAtTheEndDoNotStopTheAgentFromStarting() throws IOException {
        oneDayWithGarbageAtTheEnd();

        try (JournalFixture f = new JournalFixture(dir, DAY1.plusSeconds(3600))) {
            assertEquals(5, f.event("start"), "the chain goes on: header, tick, stop, the note, then this");
        }
    }

    @Test
    void garbageLinesAreCutWithANoteQuotingThemAndKeptInAQuarantineFile() throws IOException {
        Path last = oneDayWithGarbageAtTheEnd();
        long recordsEnd = Files.size(last) - GARBAGE.length;

        try (JournalFixture f = new JournalFixture(dir, DAY1.plusSeconds(3600))) {
            f.event("stop");
        }

        List<JsonNode> notes = notes();
        assertEquals(1, notes.size(), notes.toString());
        JsonNode note = notes.get(0);
        assertEquals("garbage_tail", note.path("note").asText());
        assertEquals(recordsEnd, note.path("offset").asLong());
        assertEquals(GARBAGE.length, note.path("cut_bytes").asInt());
        assertEquals(3, note.path("cut_lines").asInt());
        assertEquals(Segments.sha256(GARBAGE, GARBAGE.length), note.path("cut_sha256").asText());
        assertArrayEquals(GARBAGE, Base64.getDecoder().decode(note.path("cut_base64").asText()));
        assertArrayEquals(GARBAGE, Files.readAllBytes(dir.resolve(note.path("quarantine").asText())));
    }

    @Test
    void verifyReportsTheCutAsANotedRepairAndTheChainWhole() throws IOException {
        oneDayWithGarbageAtTheEnd();
        try (JournalFixture f = new JournalFixture(dir, DAY1.plusSeconds(3600))) {
            f.event("stop");
        }

        JournalVerifier.Result r = JournalVerifier.verify(dir);

        assertTrue(r.ok(), r.problem());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("repaired at a start: " + GARBAGE.length
                + " bytes cut from the end of segment journal-20250601") && n.contains("garbage_tail")), r.notes()
                .toString());
    }

    @Test
    void verifyBeforeTheNextStartNotesGarbageAtTheEndAsNoBreak() throws IOException {
        oneDayWithGarbageAtTheEnd();

        JournalVerifier.Result r = JournalVerifier.verify(dir);

        assertTrue(r.ok(), r.problem());
        assertEquals(List.of("segment journal-20250601, line 4: 3 line(s) at the very end are not journal records (a "
                + "disk or file system wrote garbage); not part of the chain, the agent cuts them with a note when "
                + "it next starts"), r.notes());
    }

    @Test
    void garbageWithARecordAfterItIsABreakAndIsNotCut() throws IOException {
        Path last = oneDayWithGarbageAtTheEnd();
        List<String> lines = JournalFixture.lines(last);
        String stop = lines.get(2);
        Files.write(last, (stop + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

        JournalVerifier.Result r = JournalVerifier.verify(dir);

        assertFalse(r.ok());
        assertEquals(4, r.breakLine());
        assertTrue(r.problem().contains("not a journal record"), r.problem());
    }

    @Test
    void aSegmentNamedAheadOfTheClockStillRotatesWhenTheClockBeginsANewDay() throws IOException {
        try (JournalFixture f = new JournalFixture(dir, DAY1)) {
            f.event("tick");
            f.at(Instant.parse("2025-07-01T09:00:00Z")).event("clock jumped a month ahead");
            f.at(DAY1.plusSeconds(7200)).event("clock set right");
            f.at(Instant.parse("2025-06-02T08:00:00Z")).event("next day by the clock");
            f.event("stop");
        }

        assertEquals(List.of("journal-20250601.jsonl.gz", "journal-20250701.jsonl.gz", "journal-20250702.jsonl"),
                JournalFixture.files(dir).stream().map(p -> p.getFileName().toString()).toList());
        JournalVerifier.Result r = JournalVerifier.verify(dir);
        assertTrue(r.ok(), r.problem());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("was behind segment journal-20250701's period")),
                r.notes().toString());
    }

    @Test
    void anAgentStartedWithItsClockBehindTheNewestSegmentNotesItAndRotatesTheNextDay() throws IOException {
        try (JournalFixture f = new JournalFixture(dir, Instant.parse("2025-07-01T09:00:00Z"))) {
            f.event("stop");
        }
        try (JournalFixture f = new JournalFixture(dir, DAY1)) {
            f.event("start");
            f.at(Instant.parse("2025-06-02T08:00:00Z")).event("next day by the clock");
            f.event("stop");
        }

        assertEquals(List.of("journal-20250701.jsonl.gz", "journal-20250702.jsonl"),
                JournalFixture.files(dir).stream().map(p -> p.getFileName().toString()).toList());
        assertEquals("clock_behind_segment", notes().get(0).path("note").asText());
        assertTrue(JournalVerifier.verify(dir).ok());
    }
}
