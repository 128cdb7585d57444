package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.journal.JournalFixture;
import org.mailprobe.agent.journal.JournalVerifier;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.filter.FilterOutcome;
import org.mailprobe.probes.filter.SampleDirection;
import org.mailprobe.probes.filter.SampleKind;

/** The {@code filter_sample} journal record, byte for byte: its fields and their order are the report's input. */
@Timeout(30)
class FilterSampleRecordTest {
    static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    static List<String> written(Path dir, FilterSampleRecord record) throws IOException {
        try (JournalFixture f = new JournalFixture(dir, T0.plusSeconds(60))) {
            f.journal.append(FilterSampleRecord.TYPE, record.json());
        }
        List<String> lines = new ArrayList<>();
        for (Path file : JournalFixture.files(dir)) {
            lines.addAll(JournalFixture.lines(file));
        }
        assertTrue(JournalVerifier.verify(dir).ok(), JournalVerifier.verify(dir).problem());
        return lines;
    }

    /** The record's own fields: between {@code site} and the chain's {@code prev}. */
    static String fields(String line) {
        int start = line.indexOf("\"site\":\"site-1\",") + "\"site\":\"site-1\",".length();
        return "{" + line.substring(start, line.indexOf(",\"prev\":")) + "}";
    }

    @Test
    void aTaggedSampleHasEveryFieldInTheSpecsOrder(@TempDir Path dir) throws IOException {
        FilterSampleRecord r = new FilterSampleRecord("agent-1/filter-in/7", "filter-in", SampleKind.SPAM, "gtube",
                SampleDirection.INBOUND, T0, T0.plusMillis(250), FilterOutcome.TAGGED, null,
                "250 2.0.0 Ok: queued as 4Xy", "INBOX", T0.plusSeconds(3), "token", "X-Spam-Flag: YES", true);

        String line = written(dir, r).get(1);

        assertTrue(line.contains("\"type\":\"filter_sample\""), line);
        assertEquals("{\"sample\":\"agent-1/filter-in/7\",\"route\":\"filter-in\",\"kind\":\"spam\",\"variant\":"
                + "\"gtube\",\"direction\":\"inbound\",\"sent_at\":\"2026-11-28T10:00:00Z\",\"accepted\":"
                + "\"2026-11-28T10:00:00.250Z\",\"outcome\":\"tagged\",\"smtp_reply\":\"250 2.0.0 Ok: queued as 4Xy\","
                + "\"folder\":\"INBOX\",\"seen_at\":\"2026-11-28T10:00:03Z\",\"matched_by\":\"token\",\"decided_by\":"
                + "\"X-Spam-Flag: YES\",\"deleted\":true}", fields(line));
    }

    @Test
    void aWithheldSampleLeavesOutWhatWasNeverSeen(@TempDir Path dir) throws IOException {
        FilterSampleRecord r = new FilterSampleRecord("agent-1/filter-in/8", "filter-in", SampleKind.VIRUS,
                "eicar-zip", SampleDirection.OUTBOUND, T0, T0.plusSeconds(1), FilterOutcome.WITHHELD, null,
                "250 ok", null, null, null, "", false);

        assertEquals("{\"sample\":\"agent-1/filter-in/8\",\"route\":\"filter-in\",\"kind\":\"virus\",\"variant\":"
                + "\"eicar-zip\",\"direction\":\"outbound\",\"sent_at\":\"2026-11-28T10:00:00Z\",\"accepted\":"
                + "\"2026-11-28T10:00:01Z\",\"outcome\":\"withheld\",\"smtp_reply\":\"250 ok\"}",
                fields(written(dir, r).get(1)));
    }

    @Test
    void aFailedSendKeepsItsReasonAndNoAcceptedTime(@TempDir Path dir) throws IOException {
        FilterSampleRecord r = new FilterSampleRecord("agent-1/filter-in/9", "filter-in", SampleKind.CLEAN, "clean",
                SampleDirection.INBOUND, T0, null, FilterOutcome.FAILED, Reason.CONNECT, "", null, null, null, "",
                false);

        assertEquals("{\"sample\":\"agent-1/filter-in/9\",\"route\":\"filter-in\",\"kind\":\"clean\",\"variant\":"
                + "\"clean\",\"direction\":\"inbound\",\"sent_at\":\"2026-11-28T10:00:00Z\",\"outcome\":\"failed\","
                + "\"reason\":\"connect\",\"smtp_reply\":\"\"}", fields(written(dir, r).get(1)));
    }

    @Test
    void aLongRejectionIsBoundedToOneLine(@TempDir Path dir) throws IOException {
        String reply = "554 5.7.1 " + "x".repeat(2000) + "\r\n";
        FilterSampleRecord r = new FilterSampleRecord("agent-1/filter-in/10", "filter-in", SampleKind.VIRUS, "eicar",
                SampleDirection.INBOUND, T0, null, FilterOutcome.REJECTED, null, reply, null, null, null,
                "554 5.7.1", false);

        assertEquals(FilterSampleRecord.MAX_REPLY + 3, r.smtpReply().length());
        assertTrue(fields(written(dir, r).get(1)).endsWith("\"outcome\":\"rejected\",\"smtp_reply\":\"554 5.7.1 "
                + "x".repeat(FilterSampleRecord.MAX_REPLY - 10) + "...\",\"decided_by\":\"554 5.7.1\"}"));
    }
}
