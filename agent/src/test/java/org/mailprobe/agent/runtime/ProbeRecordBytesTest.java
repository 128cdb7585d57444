package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.journal.JournalFixture;
import org.mailprobe.agent.journal.JournalVerifier;

@Timeout(30)
class ProbeRecordBytesTest {
    /** Captured from the journal writer before the figures became one typed value (commit 8da09bd). */
    static final String FIXTURE = "probe-records-before-figures.jsonl";

    static List<String> written(Path dir) throws IOException {
        try (JournalFixture f = new JournalFixture(dir, ProbeRecords.T0)) {
            ProbeJournal journal = new ProbeJournal(f.journal);
            for (ProbeRecords.Finished p : ProbeRecords.all()) {
                f.at(ProbeRecords.T0.plusSeconds(10));
                journal.finished(ProbeFigures.of(p.outcome(), ProbeRecords.route(p.outcome().route()), p.resumed()));
            }
        }
        List<String> lines = new ArrayList<>();
        for (Path file : JournalFixture.files(dir)) {
            lines.addAll(JournalFixture.lines(file));
        }
        return lines;
    }

    /**
     * Today's fields byte for byte and in today's order; the only addition, the submitting account
     * (clause 1, issue 12), comes after them. Each line's {@code prev} differs where an earlier line
     * gained that addition, so it is compared apart: the chain must verify.
     */
    @Test
    void todaysProbeRecordsAreWrittenByteForByteAsBefore(@TempDir Path dir) throws IOException {
        List<String> before;
        try (InputStream in = getClass().getResourceAsStream(FIXTURE)) {
            before = List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
        List<String> now = written(dir);
        assertEquals(before.size(), now.size());
        for (int i = 0; i < before.size(); i++) {
            String old = withoutPrev(before.get(i));
            JsonNode record = new ObjectMapper().readTree(before.get(i));
            String expected = old;
            if (record.path("type").asText().equals("probe")) {
                var from = ProbeRecords.route(record.path("route").asText()).from();
                if (from != null) {
                    expected = old.substring(0, old.length() - 1) + ",\"from_account\":\"" + from.name() + "\"}";
                }
            }
            assertEquals(expected, withoutPrev(now.get(i)), "line " + (i + 1));
        }
        assertTrue(JournalVerifier.verify(dir).ok(), JournalVerifier.verify(dir).problem());
    }

    @Test
    void aRecordWithNothingNewIsByteIdenticalHashIncluded(@TempDir Path dir) throws IOException {
        List<String> before;
        try (InputStream in = getClass().getResourceAsStream(FIXTURE)) {
            before = List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
        // The segment record and the first probe (a receive route: no submitting account) alone.
        try (JournalFixture f = new JournalFixture(dir, ProbeRecords.T0)) {
            ProbeRecords.Finished receive = ProbeRecords.all().get(4);
            f.at(ProbeRecords.T0.plusSeconds(10));
            new ProbeJournal(f.journal).finished(ProbeFigures.of(receive.outcome(), ProbeRecords.RECEIVE, true));
        }
        String line = JournalFixture.lines(JournalFixture.files(dir).get(0)).get(1);
        assertEquals(withoutPrev(before.get(5)).replace("\"seq\":6", "\"seq\":2"), withoutPrev(line));
    }

    static String withoutPrev(String line) {
        return line.replaceFirst(",\"prev\":\"[0-9a-f]{64}\"}$", "}");
    }
}
