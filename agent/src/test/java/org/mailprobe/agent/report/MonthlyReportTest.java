package org.mailprobe.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.journal.JournalFixture;

/** A June with known outages, maintenance, an agent gap, delays and a lost message: the exact figures. */
@Timeout(60)
public class MonthlyReportTest {
    static final YearMonth JUNE = YearMonth.of(2025, 6);

    @TempDir
    Path dir;

    Report report;

    static Instant t(String s) {
        return Instant.parse("2025-06-" + s + "Z");
    }

    /** Builds the month; also used by the browser test. */
    public static void june(Path dir) throws IOException {
        try (JournalFixture f = new JournalFixture(dir, t("01T00:00:00"))) {
            f.event("start");
            f.state(t("01T00:00:00"), "service", "mail", "unknown", "", "", "the agent started");
            f.state(t("01T00:00:15"), "service", "mail", "up", "", "", "");
            f.state(t("03T10:00:00"), "service", "mail", "down", "connect", "connect", "connection refused");
            f.state(t("03T10:30:00"), "service", "mail", "up", "", "", "");
            f.state(t("10T08:00:00"), "service", "mail", "down", "greeting", "greeting", "554 no service");
            f.state(t("10T08:20:00"), "service", "mail", "up", "", "", "");
            f.state(t("15T02:00:00"), "service", "mail", "excluded", "", "", "maintenance: upgrade");
            f.state(t("15T03:00:00"), "service", "mail", "up", "", "", "");
            // The agent is stopped for two hours on the 20th: no evidence, never counted down.
            f.at(t("20T12:00:00")).event("stop");
            f.at(t("20T14:00:00")).event("start");
            f.state(t("20T14:00:00"), "service", "mail", "unknown", "", "", "the agent started");
            f.state(t("20T14:00:30"), "service", "mail", "up", "", "", "");
            for (int i = 1; i <= 10; i++) {
                Instant start = t("05T09:00:00").plus(Duration.ofMinutes(i));
                f.probe("alice", start.plusMillis(300), start, Duration.ofSeconds(i), "imap");
            }
            Instant lostAt = t("06T09:00:00");
            f.probe("alice", lostAt.plusMillis(300), lostAt, null, "imap");
            // Clause 1: bob's submissions fail at 07T10:05 and 10:06 while alice is fine: 50% of accounts.
            for (int m = 0; m < 10; m++) {
                Instant start = t("07T10:00:00").plus(Duration.ofMinutes(m));
                f.probe("alice", start.plusMillis(200), start, Duration.ofSeconds(2), "imap");
                boolean fail = m == 5 || m == 6;
                f.probe("bob", fail ? null : start.plusMillis(200), start.plusSeconds(1), Duration.ofSeconds(4),
                        "imap");
            }
            f.at(Instant.parse("2025-07-01T00:00:00Z")).event("stop");
        }
    }

    @BeforeEach
    void compute() throws IOException {
        june(dir);
        report = MonthlyReport.compute(dir, JUNE);
    }

    @Test
    void clause2CountsOnlyDownTimeAgainstTheFixedMonth() {
        assertTrue(report.journal().verified(), report.journal().problem());
        Report.Subject mail = report.clause2().subjects().get(0);
        assertEquals("mail", mail.name());
        assertEquals(50.0, mail.minutesDown(), 1e-9);
        assertEquals(60.0, mail.minutesExcluded(), 1e-9);
        assertEquals(0.25 + 0.5, mail.minutesUnknown(), 1e-9);
        assertEquals(120.0, mail.minutesNoEvidence(), 1e-9);
        assertEquals(1 - 50.0 / 43_200, mail.ratio(), 1e-12);
        assertEquals(30 * 1440 - 50 - 60 - 0.75 - 120, mail.minutesUp(), 1e-9);
        assertFalse(mail.kept());
        assertEquals(2, mail.outages().size());
        Report.Period first = mail.outages().get(0);
        assertEquals("2025-06-03T10:00:00Z", first.start());
        assertEquals("2025-06-03T10:30:00Z", first.end());
        assertEquals("connect", first.stage());
        assertEquals(2, first.evidence().size());
        assertEquals("greeting", mail.outages().get(1).reason());
        assertTrue(mail.unknown().stream().anyMatch(p -> p.start().equals("2025-06-20T12:00:00Z")
                && p.end().equals("2025-06-20T14:00:00Z") && p.detail().contains("no evidence")));
    }

    @Test
    void clause4GivesAverageMaximumAndLostPerPath() {
        Report.PathDelay imap = report.clause4().paths().get(0);
        assertEquals("loop", imap.leg());
        assertEquals("imap", imap.path());
        assertEquals(10 + 10 + 8, imap.messages());
        assertEquals((55 + 20 + 32) / 28.0, imap.averageSeconds(), 1e-9);
        assertEquals(10.0, imap.maxSeconds(), 1e-9);
        assertEquals(1, imap.lost());
        assertEquals(0, imap.overOneHour());
        assertTrue(imap.averageKept());
        assertFalse(imap.maxKept(), "a lost message breaks the one-hour promise");
        assertEquals(2, report.clause4().failedSubmissions());
    }

    @Test
    void clause1CountsMinutesWithMoreThanTenPercentOfAccountsFailing() {
        assertTrue(report.clause1().assessed());
        // The lost probe of 06T09:00 (alice alone probed then: 100%) holds 5 minutes; bob fails 2 minutes of 50%.
        assertEquals(5.0 + 2.0, report.clause1().faultMinutes(), 1e-9);
        assertEquals("2025-06-06T09:00:00Z", report.clause1().faults().get(0).start());
        assertEquals("2025-06-06T09:05:00Z", report.clause1().faults().get(0).end());
        assertEquals("2025-06-07T10:05:00Z", report.clause1().faults().get(1).start());
        assertEquals("2025-06-07T10:07:00Z", report.clause1().faults().get(1).end());
        assertTrue(report.clause1().kept());
    }

    @Test
    void clause8CompensatesTwiceTheOutageOfAMissedMonth() {
        assertEquals(java.util.List.of("2"), report.clause8().missedClauses());
        assertEquals(50.0, report.clause8().outageMinutes(), 1e-9);
        assertEquals(100.0, report.clause8().compensationMinutes(), 1e-9);
    }

    @Test
    void everyFormatCarriesTheFiguresAndTheEvidence() {
        String md = ReportFormats.markdown(report);
        assertTrue(md.contains("| 2 | service mail: down at most 44.00 min | 50.00 min down"), md);
        assertTrue(md.contains("journal-20250603:"), md);
        String json = ReportFormats.json(report);
        assertTrue(json.contains("\"compensation_minutes\" : 100.0"), json);
        String html = ReportFormats.html(report);
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(html.contains("http://") && html.contains("src="), "nothing external");
        assertTrue(report.evidence().size() >= 5);
    }
}
