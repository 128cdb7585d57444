package org.mailprobe.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.journal.Journal;
import org.mailprobe.agent.journal.JournalFixture;
import org.mailprobe.agent.journal.JournalVerifier;

/**
 * Pins every format {@code report} writes, and what {@code journal verify} says, on a journal with
 * every kind of record, byte for byte: the golden files under {@code src/test/resources/report/}
 * were written by the report as it was before it read the journal in one pass (issue 13), so a
 * faster reader must give the same figures to the millisecond. Since issue 14 they also say that
 * clause 6 is not measured (a row of the promises, a short section, a {@code clause6} object: lines
 * added, none changed). {@code -Dreport.golden.write=DIR}
 * writes the current output to DIR instead of comparing (how the golden files were made).
 */
@Timeout(120)
class ReportOutputTest {
    static final YearMonth JUNE = YearMonth.of(2025, 6);

    @TempDir
    Path dir;

    static Instant t(String s) {
        return Instant.parse("2025-" + s + "Z");
    }

    /**
     * Two agent runs and a crash over May 31 to July 1: daily segments, all but the newest
     * gzip-compressed; a garbage tail cut at a restart and a torn last line left for verify.
     */
    static void month(Path dir) throws IOException {
        try (JournalFixture f = new JournalFixture(dir, t("05-31T23:00:00"))) {
            f.event("start");
            state(f, t("05-31T23:00:00"), "service", "mail", "unknown", "", "", "the agent started");
            state(f, t("05-31T23:00:20"), "service", "mail", "up", "", "", "");
            state(f, t("05-31T23:00:20"), "endpoint", "submission smtp.test:587", "up", "", "", "");
            // Accepted in May, seen in June: counts in May, not in this report.
            probe(f, "loop-alice", "loop", "alice", "alice", t("05-31T23:59:30"), Duration.ofMinutes(10),
                    new String[] {"imap", "pop3"}, new long[] {45_000, 52_000});
            // Submitted in May's segment, its probe record in June's: the timeout crosses a segment.
            probe(f, "loop-bob", "loop", "bob", "bob", t("05-31T23:59:50"), Duration.ofMinutes(2),
                    new String[] {"imap"}, new long[] {-1});
            for (int m = 0; m < 20; m++) {
                Instant at = t("06-01T09:00:00").plus(Duration.ofMinutes(m));
                probe(f, "loop-alice", "loop", "alice", "alice", at, Duration.ofHours(1),
                        new String[] {"imap", "pop3", "webmail"}, new long[] {800 + m * 37, 1500 + m * 11, 2100});
                // Lost at 09:09 (seen 75 min late) and at 09:15 within a 2-minute timeout (never seen).
                probe(f, "loop-bob", "loop", "bob", "bob", at.plusSeconds(7),
                        m == 15 ? Duration.ofMinutes(2) : Duration.ofHours(1), new String[] {"imap"},
                        new long[] {m == 9 || m == 15 ? -1 : 650 + m});
                probe(f, "send-carol", "send", "carol", null, at.plusSeconds(13), Duration.ofHours(1),
                        new String[] {"sink"}, new long[] {1200 + m * 3});
                probe(f, "receive-dave", "receive", null, "dave", at.plusSeconds(19), Duration.ofHours(1),
                        new String[] {"imap", "pop3"}, new long[] {m == 4 ? -1 : 900 + m, 1900});
                if (m % 5 == 2) {
                    failedSubmission(f, "loop-erin", "erin", "erin", at.plusSeconds(23), m == 7 ? "auth" : "connect");
                }
            }
            // A send route whose destination is an external mailbox measures a loop on that path.
            probe(f, "send-carol-ext", "send", "carol", null, t("06-01T10:00:00"), Duration.ofHours(1),
                    new String[] {"ext"}, new long[] {4_000_000});
            late(f, "loop-bob", "loop", "bob", t("05-31T23:59:50"), "imap", Duration.ofMinutes(4));
            late(f, "loop-bob", "loop", "bob", t("06-01T09:09:07"), "imap", Duration.ofMinutes(75));
            state(f, t("06-01T11:00:00"), "service", "mail", "down", "connect", "connect", "connection refused");
            state(f, t("06-01T11:00:00"), "endpoint", "submission smtp.test:587", "down", "connect", "connect",
                    "connection refused");
            state(f, t("06-01T11:20:00"), "service", "mail", "down", "greeting", "greeting", "554 no service");
            state(f, t("06-01T11:45:00"), "service", "mail", "up", "", "", "");
            state(f, t("06-01T11:45:00"), "endpoint", "submission smtp.test:587", "up", "", "", "");
            state(f, t("06-02T02:00:00"), "service", "mail", "excluded", "", "", "maintenance: upgrade (announced)");
            state(f, t("06-02T03:30:00"), "service", "mail", "up", "", "", "");
            state(f, t("06-02T08:00:00"), "service", "mail", "unknown", "", "", "our own network is down");
            state(f, t("06-02T08:10:00"), "service", "mail", "up", "", "", "");
            f.at(t("06-02T12:00:00")).event("stop");
        }
        // A clean restart two days later; then the agent is killed (no stop record).
        try (JournalFixture f = new JournalFixture(dir, t("06-04T12:00:00"))) {
            f.event("start");
            state(f, t("06-04T12:00:00"), "service", "mail", "unknown", "", "", "the agent started");
            state(f, t("06-04T12:00:30"), "service", "mail", "up", "", "", "");
            for (int m = 0; m < 12; m++) {
                Instant at = t("06-04T13:00:00").plus(Duration.ofMinutes(m));
                boolean down = m >= 3 && m < 6;
                probe(f, "loop-alice", "loop", "alice", "alice", at, Duration.ofHours(1),
                        new String[] {"imap"}, new long[] {down ? -1 : 700 + m});
                probe(f, "loop-bob", "loop", "bob", "bob", at.plusSeconds(5), Duration.ofHours(1),
                        new String[] {"imap"}, new long[] {m == 11 ? 3_700_000 : 710 + m});
            }
            state(f, t("06-04T15:00:00"), "service", "mail", "down", "auth", "auth", "535 authentication failed");
        }
        // The agent comes back after the crash (an unclean_stop note), writes a little, and stops.
        try (JournalFixture f = new JournalFixture(dir, t("06-05T08:00:00"))) {
            f.event("start");
            state(f, t("06-05T08:00:00"), "service", "mail", "unknown", "", "", "the agent started");
            state(f, t("06-05T08:00:10"), "service", "mail", "up", "", "", "");
            probe(f, "loop-alice", "loop", "alice", "alice", t("06-05T08:01:00"), Duration.ofHours(1),
                    new String[] {"imap"}, new long[] {1234});
            f.at(t("06-05T09:00:00")).event("stop");
        }
        // A disk wrote garbage after the last record; the next start cuts it with a note.
        Path live = JournalFixture.files(dir).get(JournalFixture.files(dir).size() - 1);
        Files.write(live, "{\"not\":\"a record\"}\n\u0000\u0000\n".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);
        try (JournalFixture f = new JournalFixture(dir, t("06-30T22:00:00"))) {
            f.event("start");
            state(f, t("06-30T22:00:00"), "service", "mail", "unknown", "", "", "the agent started");
            state(f, t("06-30T22:00:05"), "service", "mail", "up", "", "", "");
            probe(f, "loop-alice", "loop", "alice", "alice", t("06-30T23:59:59"), Duration.ofHours(1),
                    new String[] {"imap"}, new long[] {2500});
            // Accepted in July: not in June's report, but in its segment.
            probe(f, "loop-alice", "loop", "alice", "alice", t("07-01T00:00:30"), Duration.ofHours(1),
                    new String[] {"imap"}, new long[] {900});
            f.at(t("07-01T00:05:00")).event("stop");
        }
        // The agent died mid-write: a torn last line, noted by verify, not a record.
        live = JournalFixture.files(dir).get(JournalFixture.files(dir).size() - 1);
        Files.write(live, "{\"seq\":999,\"time\":\"2025-07-01T00:06".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);
    }

    static void state(JournalFixture f, Instant at, String scope, String name, String state, String stage,
            String reason, String detail) throws IOException {
        f.state(at, scope, name, state, stage, reason, detail);
    }

    /** A submitted and a probe record as the agent writes them; a delay of -1 ms: lost on that path. */
    static void probe(JournalFixture f, String route, String leg, String from, String to, Instant accepted,
            Duration timeout, String[] paths, long[] delays) throws IOException {
        String key = "agent-1/" + route + "/" + accepted.toEpochMilli();
        ObjectNode s = Journal.newRecord();
        s.put("probe", key).put("route", route).put("leg", leg).put("accepted", accepted.toString())
                .put("deadline", accepted.plus(timeout).toString());
        f.at(accepted).journal.append("submitted", s);
        ObjectNode r = Journal.newRecord();
        r.put("probe", key).put("route", route).put("leg", leg);
        if (to != null) {
            r.put("account", to).put("to", to + "@provider.test");
        } else {
            r.put("to", "sink@agent.test");
        }
        boolean ok = true;
        for (long d : delays) {
            ok &= d >= 0;
        }
        r.put("outcome", ok ? "success" : "failure").put("reason", ok ? "none" : "lost");
        r.put("started", accepted.minusMillis(250).toString()).put("accepted", accepted.toString());
        ArrayNode ps = r.putArray("paths");
        long longest = 0;
        for (int i = 0; i < paths.length; i++) {
            ObjectNode p = ps.addObject().put("path", paths[i]).put("mailbox", (to == null ? "sink" : to)
                    + "@provider.test:993/INBOX");
            if (paths[i].equals("ext")) {
                p.put("leg", "loop");
            }
            if (delays[i] < 0) {
                p.put("lost", true);
                longest = Math.max(longest, timeout.toMillis());
            } else {
                p.put("seen_at", accepted.plusMillis(delays[i]).toString()).put("delay_ms", delays[i]);
                p.putArray("received").add("from mx.test by mail.test; \u00e9t\u00e9 " + accepted);
                longest = Math.max(longest, delays[i]);
            }
        }
        if (from != null) {
            r.put("from_account", from);
        }
        f.at(accepted.plusMillis(longest)).journal.append("probe", r);
    }

    static void failedSubmission(JournalFixture f, String route, String from, String to, Instant started,
            String reason) throws IOException {
        ObjectNode r = Journal.newRecord();
        r.put("probe", "agent-1/" + route + "/" + started.toEpochMilli()).put("route", route).put("leg", "loop")
                .put("account", to).put("to", to + "@provider.test").put("outcome", "failure").put("reason", reason)
                .put("started", started.toString()).putNull("accepted").put("failed_stage", reason);
        r.putArray("paths").addObject().put("path", "imap").put("mailbox", to + "@provider.test:993/INBOX")
                .put("lost", false);
        r.put("from_account", from);
        f.at(started.plusSeconds(1)).journal.append("probe", r);
    }

    static void late(JournalFixture f, String route, String leg, String account, Instant accepted, String path,
            Duration delay) throws IOException {
        ObjectNode r = Journal.newRecord();
        r.put("probe", "agent-1/" + route + "/" + accepted.toEpochMilli()).put("route", route).put("leg", leg)
                .put("account", account).put("path", path).put("mailbox", account + "@provider.test:993/INBOX")
                .put("accepted", accepted.toString()).put("seen_at", accepted.plus(delay).toString())
                .put("delay_ms", delay.toMillis());
        f.at(accepted.plus(delay)).journal.append("late", r);
    }

    /** An edited record in a compressed segment: the chain breaks there, the report still comes out. */
    static void editOneDelay(Path dir) throws IOException {
        Path gz = JournalFixture.files(dir).get(1);
        List<String> lines = JournalFixture.lines(gz);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains("\"delay_ms\":1203")) {
                lines.set(i, lines.get(i).replace("\"delay_ms\":1203", "\"delay_ms\":203"));
                break;
            }
        }
        JournalFixture.write(gz, lines);
    }

    /** What {@code journal verify} prints, less the directory. */
    static String verifyText(JournalVerifier.Result r) {
        StringBuilder b = new StringBuilder();
        r.notes().forEach(n -> b.append("note: ").append(n).append('\n'));
        b.append(r.ok() ? "chain whole: " + r.segments() + " segments, " + r.records() + " records; head seq "
                + r.headSeq() + ", hash " + r.headHash() : "CHAIN BROKEN at " + r.problem() + " (segment "
                + r.breakSegment() + ", line " + r.breakLine() + ")").append('\n');
        return b.toString();
    }

    static String json(Report r) {
        return ReportFormats.json(r).replaceFirst("\"generated_at\" : \"[^\"]*\"", "\"generated_at\" : \"(now)\"");
    }

    @Test
    void everyFormatOfTheMonthIsTheSameAsBeforeTheOnePassReader() throws IOException {
        month(dir);
        Report r = MonthlyReport.compute(dir, JUNE);

        same("month.md", ReportFormats.markdown(r));
        same("month.html", ReportFormats.html(r));
        same("month.json", json(r));
    }

    @Test
    void verifyOfTheMonthIsTheSameAsBeforeTheOnePassReader() throws IOException {
        month(dir);

        same("month-verify.txt", verifyText(JournalVerifier.verify(dir)));
    }

    @Test
    void theReportOfABrokenChainIsTheSameAsBeforeTheOnePassReader() throws IOException {
        month(dir);
        editOneDelay(dir);
        Report r = MonthlyReport.compute(dir, JUNE);

        same("broken.md", ReportFormats.markdown(r));
        same("broken.json", json(r));
    }

    @Test
    void verifyOfABrokenChainIsTheSameAsBeforeTheOnePassReader() throws IOException {
        month(dir);
        editOneDelay(dir);

        same("broken-verify.txt", verifyText(JournalVerifier.verify(dir)));
    }

    private static void same(String name, String actual) throws IOException {
        String out = System.getProperty("report.golden.write");
        if (out != null) {
            Files.createDirectories(Path.of(out));
            Files.writeString(Path.of(out, name), actual);
            return;
        }
        String expected;
        try (InputStream in = ReportOutputTest.class.getResourceAsStream("/report/" + name)) {
            if (in == null) {
                throw new IOException("no golden file /report/" + name + " on the test class path");
            }
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(expected, actual, name + " differs from the report before the one-pass reader");
    }
}
