package org.mailprobe.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.journal.Journal;
import org.mailprobe.agent.journal.JournalFixture;

/**
 * Clause 6 of the monthly report from {@code filter_sample} journal records (issue 14): the rates
 * over a known mix, exactly; their exact bounds; the verdicts; the samples a month needs.
 */
@Timeout(60)
class Clause6ReportTest {
    static final YearMonth JUNE = YearMonth.of(2025, 6);

    @TempDir
    Path dir;

    private int seq;

    static Instant t(String s) {
        return Instant.parse("2025-06-" + s + "Z");
    }

    /** One sample's record as the filter route writes it. */
    long sample(JournalFixture f, Instant sent, String direction, String kind, String variant, String outcome)
            throws IOException {
        int n = ++seq;
        ObjectNode r = Journal.newRecord();
        r.put("sample", "agent-1/filter-in/" + n).put("route", "filter-in").put("kind", kind).put("variant", variant)
                .put("direction", direction).put("sent_at", sent.toString());
        if (!outcome.equals("failed")) {
            r.put("accepted", sent.plusMillis(200).toString());
        }
        r.put("outcome", outcome);
        if (outcome.equals("failed")) {
            r.put("reason", "connect");
        }
        r.put("smtp_reply", outcome.equals("rejected") ? "554 5.7.1 virus found" : "250 2.0.0 queued");
        if (!List.of("rejected", "withheld", "failed").contains(outcome)) {
            r.put("folder", outcome.equals("junk") ? "Junk" : "INBOX").put("seen_at", sent.plusSeconds(5).toString())
                    .put("matched_by", "token");
            if (!outcome.equals("untouched")) {
                r.put("decided_by", outcome.equals("junk") ? "folder Junk" : outcome.equals("tagged")
                        ? "X-Spam-Flag: YES" : "attachment removed");
            }
            r.put("deleted", true);
        }
        return f.at(sent.plusSeconds(10)).journal.append("filter_sample", r);
    }

    void samples(JournalFixture f, Instant from, String direction, String kind, Map<String, Integer> outcomes)
            throws IOException {
        Instant at = from;
        for (Map.Entry<String, Integer> e : outcomes.entrySet()) {
            for (int i = 0; i < e.getValue(); i++) {
                sample(f, at, direction, kind, kind.equals("virus") ? "eicar-zip" : kind.equals("spam") ? "gtube"
                        : "clean", e.getKey());
                at = at.plusSeconds(30);
            }
        }
    }

    /**
     * The known mix, inbound: 50 virus (20 rejected, 10 withheld, 9 cleaned, 5 junk, 5 tagged, 1
     * untouched) and 3 our own side failed to send; 50 spam (30 junk, 10 tagged, 8 rejected, 2
     * untouched); 20 clean (19 untouched, 1 junk). The untouched virus sample's seq is returned.
     */
    long knownMix(JournalFixture f) throws IOException {
        samples(f, t("02T10:00:00"), "inbound", "virus", ordered("rejected", 20, "withheld", 10, "cleaned", 9, "junk",
                5, "tagged", 5, "failed", 3));
        long missed = sample(f, t("02T12:00:00"), "inbound", "virus", "eicar-nested-zip", "untouched");
        samples(f, t("03T10:00:00"), "inbound", "spam", ordered("junk", 30, "tagged", 10, "rejected", 8, "untouched",
                2));
        samples(f, t("04T10:00:00"), "inbound", "clean", ordered("untouched", 19, "junk", 1));
        return missed;
    }

    static Map<String, Integer> ordered(Object... pairs) {
        Map<String, Integer> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], (Integer) pairs[i + 1]);
        }
        return m;
    }

    static Report.FilterRate rate(Report r, String direction, String name) {
        return r.clause6().rates().stream().filter(x -> x.direction().equals(direction) && x.name().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError(name + " " + direction + " in " + r.clause6()));
    }

    Report knownMonth() throws IOException {
        try (JournalFixture f = new JournalFixture(dir, t("01T00:00:00"))) {
            f.event("start");
            knownMix(f);
        }
        return MonthlyReport.compute(dir, JUNE);
    }

    @Test
    void theRatesOverAKnownMixAreExact() throws IOException {
        Report r = knownMonth();

        assertTrue(r.clause6().measured());
        assertEquals(0.98, rate(r, "inbound", "virus detection").rate(), 1e-12);
        assertEquals(0.78, rate(r, "inbound", "virus removal").rate(), 1e-12);
        assertEquals(0.96, rate(r, "inbound", "spam filtering").rate(), 1e-12);
        assertEquals(0.05, rate(r, "inbound", "false positives").rate(), 1e-12);
        assertEquals(50, rate(r, "inbound", "virus detection").samples());
        assertEquals(20, rate(r, "inbound", "false positives").samples());
    }

    @Test
    void samplesOurOwnSideFailedToSendAreInNoRateButShown() throws IOException {
        Report r = knownMonth();

        Report.FilterSamples virus = r.clause6().samples().stream().filter(s -> s.kind().equals("virus")).findFirst()
                .orElseThrow();
        assertEquals(50, virus.samples());
        assertEquals(3, virus.failed());
        assertEquals(List.of("rejected", "withheld", "junk", "cleaned", "tagged", "untouched"),
                List.copyOf(virus.outcomes().keySet()));
        assertEquals(List.of(20L, 10L, 5L, 9L, 5L, 1L), List.copyOf(virus.outcomes().values()));
    }

    @Test
    void theBoundsAreExactClopperPearsonOneSidedAt95Percent() throws IOException {
        Report r = knownMonth();

        // Reference values from scipy.stats.beta.ppf(0.05, x, n - x + 1) and ppf(0.95, x + 1, n - x).
        Report.FilterRate detection = rate(r, "inbound", "virus detection");
        assertEquals(0.9086018692803026, detection.lower(), 1e-9);
        assertEquals(0.9989746601327679, detection.upper(), 1e-9);
        Report.FilterRate fp = rate(r, "inbound", "false positives");
        assertEquals(0.0025613787765302806, fp.lower(), 1e-9);
        assertEquals(0.2161061642068473, fp.upper(), 1e-9);
    }

    @Test
    void oneMissInFiftyVirusSamplesProvesDetectionBelowTarget() throws IOException {
        Report r = knownMonth();

        Report.FilterRate detection = rate(r, "inbound", "virus detection");
        assertEquals("not met", detection.verdict());
        assertEquals(1, detection.against());
        assertTrue(detection.statement().contains("not met, even the upper bound is below 99.9%"),
                detection.statement());
        assertTrue(detection.statement().startsWith("virus detection (inbound): 49 of 50 virus samples (98.000%); "
                + "1 against the provider (eicar-nested-zip 1);"), detection.statement());
        assertEquals(Map.of("eicar-nested-zip", 1L), detection.againstByVariant());
        assertTrue(r.promises().stream().anyMatch(p -> p.clause().equals("6")
                && p.promise().equals("virus detection (inbound): at least 99.9%") && Boolean.FALSE.equals(p.kept())),
                r.promises().toString());
    }

    @Test
    void spamAtTheTargetOverFiftySamplesIsNotEnoughToSay() throws IOException {
        Report r = knownMonth();

        Report.FilterRate spam = rate(r, "inbound", "spam filtering");
        assertEquals("not enough samples to say", spam.verdict());
        assertEquals(74L, spam.samplesNeeded());
        // scipy: the least n with beta.ppf(0.05, n - 2, 3) >= 0.96.
        assertEquals(156L, spam.samplesNeededWithMisses());
        assertTrue(spam.statement().contains("A month needs 74 samples with no miss for the lower bound to reach "
                + "96%; with the 2 miss(es) seen, 156 in all"), spam.statement());
        assertTrue(r.promises().stream().anyMatch(p -> p.promise().equals("spam filtering (inbound): at least 96%")
                && p.kept() == null), r.promises().toString());
    }

    @Test
    void aMonthWithEnoughSamplesAndNoMissMeetsTheTarget() throws IOException {
        try (JournalFixture f = new JournalFixture(dir, t("01T00:00:00"))) {
            samples(f, t("01T01:00:00"), "outbound", "virus", ordered("rejected", 2995));
        }
        Report r = MonthlyReport.compute(dir, JUNE);

        Report.FilterRate detection = rate(r, "outbound", "virus detection");
        assertEquals("met", detection.verdict());
        assertTrue(detection.lower() >= 0.999, detection.toString());
        assertEquals("met", rate(r, "outbound", "virus removal").verdict());
        assertEquals("no samples", rate(r, "outbound", "spam filtering").verdict());
        assertNull(rate(r, "outbound", "spam filtering").rate());
        assertTrue(r.clause6().rates().stream().noneMatch(x -> x.direction().equals("inbound")),
                "no inbound route: no inbound rates");
    }

    @Test
    void theSamplesNeededAreTheOnesForTheContractsTargets() {
        assertEquals(2995, Confidence.samplesNeeded(0.999));
        assertEquals(598, Confidence.samplesNeeded(0.995));
        assertEquals(74, Confidence.samplesNeeded(0.96));
        assertTrue(Confidence.lower(2995, 2995) >= 0.999);
        assertTrue(Confidence.lower(2994, 2994) < 0.999);
        // scipy: the least n with beta.ppf(0.05, n - 1, 2) >= 0.999.
        assertEquals(4742, Confidence.samplesNeeded(0.999, 1));
    }

    @Test
    void aMonthWithoutFilterSamplesSaysClause6IsNotMeasured() throws IOException {
        try (JournalFixture f = new JournalFixture(dir, t("01T00:00:00"))) {
            f.event("start");
            f.probe("alice", t("01T00:01:00"), t("01T00:00:59"), Duration.ofSeconds(3), "imap");
        }
        Report r = MonthlyReport.compute(dir, JUNE);

        assertFalse(r.clause6().measured());
        assertTrue(r.promises().stream().anyMatch(p -> p.clause().equals("6")
                && p.figure().equals("not measured (no filter sample this month)") && p.kept() == null));
        assertTrue(ReportFormats.markdown(r).contains("## Clause 6: virus and spam filtering\n\nNot measured: no "
                + "filter sample was sent this month"), ReportFormats.markdown(r));
    }

    @Test
    void aSampleCountsInTheMonthItWasSent() throws IOException {
        try (JournalFixture f = new JournalFixture(dir, Instant.parse("2025-05-31T23:00:00Z"))) {
            // Sent in May, its outcome known (and written) in June: May's, not June's.
            sample(f, Instant.parse("2025-05-31T23:59:55Z"), "inbound", "virus", "eicar", "untouched");
            sample(f, t("01T00:00:05"), "inbound", "virus", "eicar", "rejected");
        }
        Report r = MonthlyReport.compute(dir, JUNE);

        assertEquals(1, rate(r, "inbound", "virus detection").samples());
        assertEquals(1.0, rate(r, "inbound", "virus detection").rate(), 1e-12);
    }

    @Test
    void theRecordOfAMissIsQuotedAsEvidence() throws IOException {
        long missed;
        try (JournalFixture f = new JournalFixture(dir, t("01T00:00:00"))) {
            missed = knownMix(f);
        }
        Report r = MonthlyReport.compute(dir, JUNE);

        Report.FilterRate detection = rate(r, "inbound", "virus detection");
        assertEquals(List.of(missed), detection.evidence().stream().map(Report.Ref::seq).toList());
        assertTrue(r.evidence().stream().anyMatch(e -> e.ref().seq() == missed
                && e.record().contains("\"variant\":\"eicar-nested-zip\"")), r.evidence().toString());
        // Removal counts junk, tagged and untouched virus samples against the provider: 11 records.
        assertEquals(11, rate(r, "inbound", "virus removal").evidence().size());
    }

    @Test
    void aRecordWithAnOutcomeTheReportDoesNotKnowIsInNoRate() throws IOException {
        try (JournalFixture f = new JournalFixture(dir, t("01T00:00:00"))) {
            sample(f, t("01T01:00:00"), "inbound", "spam", "gtube", "vanished");
            sample(f, t("01T01:01:00"), "inbound", "spam", "gtube", "junk");
        }
        Report r = MonthlyReport.compute(dir, JUNE);

        assertEquals(1, r.clause6().unrecognised());
        assertEquals(1, rate(r, "inbound", "spam filtering").samples());
        assertTrue(r.clause6().note().contains("1 record(s) with an outcome, kind or direction the report does not "
                + "know are in no count"), r.clause6().note());
    }

    @Test
    void everyFormatCarriesClause6() throws IOException {
        Report r = knownMonth();

        String md = ReportFormats.markdown(r);
        assertTrue(md.contains("| inbound | virus | 50 | 20 | 10 | 5 | 9 | 5 | 1 | 3 |"), md);
        assertTrue(md.contains("| inbound | virus detection | 99.9% | 50 | 1 | 98.000% | 90.860% | 99.897% | not met "
                + "| 2,995 |"), md);
        assertTrue(md.contains("| 6 | virus removal (inbound): at least 99.5% | 78.000% over 50 samples (95% bounds "
                + "66.223% to 87.144%; not met) | MISSED |"), md);
        String html = ReportFormats.html(r);
        assertTrue(html.contains("<h2 id=\"clause6\">Clause 6: virus and spam filtering</h2>"), html);
        assertTrue(html.contains("<td class=\"verdict\">not enough samples to say</td>"), html);
        String json = ReportFormats.json(r);
        assertTrue(json.contains("\"samples_needed_with_misses\" : 156"), json);
        assertTrue(json.contains("\"verdict\" : \"not met\""), json);
    }
}
