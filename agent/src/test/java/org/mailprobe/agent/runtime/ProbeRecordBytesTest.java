package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.journal.JournalFixture;

@Timeout(30)
class ProbeRecordBytesTest {
    /** Captured from the journal writer before the figures became one typed value (commit 8da09bd). */
    static final String FIXTURE = "probe-records-before-figures.jsonl";

    static List<String> written(Path dir) throws IOException {
        try (JournalFixture f = new JournalFixture(dir, ProbeRecords.T0)) {
            ProbeJournal journal = new ProbeJournal(f.journal, ProbeRecords.routes());
            for (ProbeRecords.Finished p : ProbeRecords.all()) {
                f.at(ProbeRecords.T0.plusSeconds(10));
                journal.finished(p.outcome(), p.resumed());
            }
        }
        List<String> lines = new ArrayList<>();
        for (Path file : JournalFixture.files(dir)) {
            lines.addAll(JournalFixture.lines(file));
        }
        return lines;
    }

    @Test
    void todaysProbeRecordsAreWrittenByteForByteAsBefore(@TempDir Path dir) throws IOException {
        List<String> expected;
        try (InputStream in = getClass().getResourceAsStream(FIXTURE)) {
            expected = List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
        assertEquals(expected, written(dir));
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("capture");
        Files.writeString(Path.of(args[0]), String.join("\n", written(dir)) + "\n");
    }
}
