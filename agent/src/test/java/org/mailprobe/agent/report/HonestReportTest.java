package org.mailprobe.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.journal.Journal;
import org.mailprobe.agent.journal.JournalFixture;

/** The report says what the journal proves: lost is not "over one hour", results go to their account. */
@Timeout(60)
class HonestReportTest {
    static final YearMonth MONTH = YearMonth.of(2026, 11);
    static final Instant T0 = Instant.parse("2026-11-10T09:00:00Z");

    @TempDir
    Path dir;

    /** A submitted and a probe record as the agent writes them; {@code delay} null: lost on imap. */
    static void probe(JournalFixture f, String route, String leg, String from, String to, Instant accepted,
            Duration timeout, Duration delay) throws IOException {
        String key = "agent-1/" + route + "/" + accepted.toEpochMilli();
        if (accepted != null && timeout != null) {
            ObjectNode s = Journal.newRecord();
            s.put("probe", key).put("route", route).put("leg", leg).put("accepted", accepted.toString())
                    .put("deadline", accepted.plus(timeout).toString());
            f.at(accepted).journal.append("submitted", s);
        }
        ObjectNode r = Journal.newRecord();
        r.put("probe", key).put("route", route).put("leg", leg).put("account", to).put("to", to + "@provider.test");
        boolean ok = delay != null;
        r.put("outcome", ok ? "success" : "failure").put("reason", ok ? "none" : "lost");
        r.put("accepted", accepted.toString());
        ArrayNode paths = r.putArray("paths");
        ObjectNode p = paths.addObject().put("path", "imap").put("mailbox", to + "@provider.test:993/INBOX");
        if (ok) {
            p.put("seen_at", accepted.plus(delay).toString()).put("delay_ms", delay.toMillis());
        } else {
            p.put("lost", true);
        }
        if (from != null) {
            r.put("from_account", from);
        }
        f.at(accepted.plus(timeout == null ? Duration.ofSeconds(5) : timeout)).journal.append("probe", r);
    }

    static void failedSubmission(JournalFixture f, String route, String from, String to, Instant started)
            throws IOException {
        ObjectNode r = Journal.newRecord();
        r.put("probe", "agent-1/" + route + "/" + started.toEpochMilli()).put("route", route).put("leg", "loop")
                .put("account", to).put("to", to + "@provider.test").put("outcome", "failure").put("reason", "auth")
                .put("started", started.toString()).putNull("accepted").put("failed_stage", "auth");
        r.putArray("paths").addObject().put("path", "imap").put("mailbox", to + "@provider.test:993/INBOX")
                .put("lost", false);
        r.put("from_account", from);
        f.at(started.plusSeconds(1)).journal.append("probe", r);
    }

    static void late(JournalFixture f, String route, String leg, Instant accepted, Duration delay) throws IOException {
        ObjectNode r = Journal.newRecord();
        r.put("probe", "agent-1/" + route + "/" + accepted.toEpochMilli()).put("route", route).put("leg", leg)
                .put("account", "p2").put("path", "imap").put("mailbox", "p2@provider.test:993/INBOX")
                .put("accepted", accepted.toString()).put("seen_at", accepted.plus(delay).toString())
                .put("delay_ms", delay.toMillis());
        f.at(accepted.plus(delay)).journal.append("late", r);
    }

    Report.PathDelay row(Report report, String leg) {
        return report.clause4().paths().stream().filter(p -> p.leg().equals(leg)).findFirst().orElseThrow();
    }

    @Test
    void probesLostAtATwoMinuteTimeoutAreNotReportedAsOverOneHour() throws IOException {
        try (JournalFixture f = new JournalFixture(dir, T0)) {
            probe(f, "loop-p1", "loop", "p1", "p2", T0, Duration.ofMinutes(2), null);
            probe(f, "loop-p1", "loop", "p1", "p2", T0.plusSeconds(60), Duration.ofMinutes(2), null);
            late(f, "loop-p1", "loop", T0.plusSeconds(60), Duration.ofMinutes(3));
        }
        Report report = MonthlyReport.compute(dir, MONTH);

        Report.PathDelay loop = row(report, "loop");
        assertEquals(0, loop.provedOverOneHour());
        assertEquals(1, loop.lostWithinShortTimeout(), "one is still unseen; the other arrived 3 min late");
        assertEquals(1, loop.late());
        assertEquals(180.0, loop.lateMaxSeconds(), 1e-9);
        assertNull(loop.maxKept(), "not proved either way");
        String md = ReportFormats.markdown(report);
        assertTrue(md.contains("0 proved over 1 h, 1 lost within a timeout shorter than 1 h"), md);
        assertFalse(md.contains("MISSED"), md);
    }

    @Test
    void aLateArrivalOverOneHourIsProvedOverOneHour() throws IOException {
        try (JournalFixture f = new JournalFixture(dir, T0)) {
            probe(f, "loop-p1", "loop", "p1", "p2", T0, Duration.ofMinutes(2), null);
            late(f, "loop-p1", "loop", T0, Duration.ofMinutes(65));
        }
        Report.PathDelay loop = row(MonthlyReport.compute(dir, MONTH), "loop");

        assertEquals(1, loop.provedOverOneHour());
        assertEquals(Boolean.FALSE, loop.maxKept());
    }

    @Test
    void aSubmissionFailureIsBookedToTheSenderAndEveryProbedAccountCounts() throws IOException {
        try (JournalFixture f = new JournalFixture(dir, T0)) {
            for (int m = 0; m < 10; m++) {
                Instant at = T0.plus(Duration.ofMinutes(m));
                probe(f, "p1-p2", "loop", "p1", "p2", at, Duration.ofMinutes(2), Duration.ofSeconds(2));
                probe(f, "p2-p1", "loop", "p2", "p1", at.plusSeconds(10), Duration.ofMinutes(2), Duration.ofSeconds(2));
                failedSubmission(f, "peer-p1", "peer", "p1", at.plusSeconds(20)); // peer's password is wrong
            }
        }
        Report.Clause1 c1 = MonthlyReport.compute(dir, MONTH).clause1();

        assertTrue(c1.accounts().contains("peer"), c1.accounts().toString());
        assertEquals(3, c1.accounts().size());
        for (Report.AccountMinutes a : c1.byAccount()) {
            assertEquals(a.account().equals("peer") ? 10 : 0, a.minutesFailing(), a.toString());
        }
    }

    @Test
    void theClause4NoteSaysWhichLegsAreThereAndTheChartDrawsASingleDay() throws IOException {
        try (JournalFixture f = new JournalFixture(dir, T0)) {
            probe(f, "receive-p2", "receive", null, "p2", T0, Duration.ofHours(1), Duration.ofSeconds(3));
            probe(f, "loop-p1", "loop", "p1", "p2", T0.plusSeconds(30), Duration.ofHours(1), Duration.ofSeconds(5));
        }
        Report report = MonthlyReport.compute(dir, MONTH);

        String md = ReportFormats.markdown(report);
        String html = ReportFormats.html(report);
        for (String text : new String[] {md, html}) {
            assertFalse(text.contains("only loop routes are configured so far"), text);
            assertTrue(text.contains("Legs measured: loop, receive; no send route has results this month."), text);
        }
        int svg = html.indexOf("Daily average delay");
        assertNotEquals(-1, svg, html);
        String chart = html.substring(svg, html.indexOf("</svg>", svg));
        assertEquals(2, chart.split("<circle", -1).length - 1, "a marker per path on the one day: " + chart);
    }
}
