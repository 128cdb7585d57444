package org.mailprobe.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.journal.JournalFixture;

/**
 * The Prometheus comparison against a canned Prometheus HTTP API (a JDK HttpServer answering in
 * Prometheus's own JSON format), for the June of {@link MonthlyReportTest}: agreement, a difference
 * explained by a scrape gap, and a Prometheus that answers with an error.
 */
@Timeout(60)
class PrometheusMonthTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** June 2025 exactly: 30 days in milliseconds, at the month's end. */
    private static final String WINDOW = "[2592000000ms] @ 1751328000.000";
    private static final long END = Instant.parse("2025-07-01T00:00:00Z").getEpochSecond();

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private Report journal;
    /** The canned figures, changed per test. */
    private double downSeconds = 50 * 60;
    private long resets = 1;
    private Instant gapFrom;
    private Instant gapTo;
    private int status = 200;
    /** The filter samples Prometheus counted, by direction, kind and outcome; none unless a test sets them. */
    private final Map<List<String>, Double> filterSamples = new java.util.LinkedHashMap<>();

    @BeforeEach
    void start() throws IOException {
        MonthlyReportTest.june(dir);
        journal = MonthlyReport.compute(dir, MonthlyReportTest.JUNE);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/query", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @Test
    void figuresThatMatchTheJournalAgree() {
        Report.Comparison c = new PrometheusMonth(url(), Duration.ofSeconds(5)).compare(journal);
        assertTrue(c.available(), c.error());
        assertEquals(WINDOW, c.window());
        assertTrue(queries.stream().allMatch(q -> q.contains(WINDOW) && q.contains("agent=\"agent-1\",site=\"site-1\"")),
                String.join("\n", queries));
        assertEquals(60.0, c.scrapeIntervalSeconds(), 1e-9);
        assertEquals(1, c.counterResets());
        for (Report.Figure f : c.figures()) {
            assertTrue(f.agrees(), f.toString());
        }
        Report.Figure down = figure(c, "minutes down");
        assertEquals(50.0, down.journal(), 1e-9);
        assertEquals(50.0, down.prometheus(), 1e-9);
        assertEquals(0.0, down.difference(), 1e-9);
        assertEquals("agrees exactly", down.explanation());
        assertEquals(28.0, figure(c, "messages seen").prometheus(), 1e-9);
        assertEquals(1.0, figure(c, "lost messages").prometheus(), 1e-9);
        // The agent's two-hour stop on the 20th is the only gap (scrapes failed), and it is the
        // journal's no-evidence time, not lost evidence.
        assertEquals(1, c.gaps().size(), c.gaps().toString());
        assertEquals("2025-06-20T12:01:00Z", c.gaps().get(0).start());
        assertEquals("2025-06-20T14:00:00Z", c.gaps().get(0).end());
        assertEquals("scrapes failed (up = 0)", c.gaps().get(0).detail());

        Report r = journal.withPrometheus(c);
        String md = ReportFormats.markdown(r);
        assertTrue(md.contains("## The same month from Prometheus"), md);
        assertTrue(md.contains("| 2 | service mail | minutes down | 50.00 | 50.00 | 0.00 | yes | agrees exactly |"), md);
        assertTrue(ReportFormats.html(r).contains("<table class=\"comparison\">"));
        assertTrue(ReportFormats.json(r).contains("\"scrape_interval_seconds\" : 60.0"));
    }

    @Test
    void aDifferenceSaysByHowMuchAndWhy() {
        // Prometheus has no scrape of the agent between 10:20 and 10:45 on the 3rd (the agent kept
        // running) and the agent restarted in that gap: ten minutes of the outage never reached it.
        gapFrom = Instant.parse("2025-06-03T10:20:00Z");
        gapTo = Instant.parse("2025-06-03T10:45:00Z");
        downSeconds = 40 * 60;
        resets = 2;
        Report.Comparison c = new PrometheusMonth(url(), Duration.ofSeconds(5)).compare(journal);
        assertTrue(c.available(), c.error());
        Report.Figure down = figure(c, "minutes down");
        assertFalse(down.agrees(), down.toString());
        assertEquals(-10.0, down.difference(), 1e-9);
        String why = down.explanation();
        assertTrue(why.startsWith("Prometheus lower by 10.00 min: "), why);
        assertTrue(why.contains("no sample of the agent for 24.00 min while the journal shows it running"), why);
        assertTrue(why.contains("9.00 min of the journal's periods for this figure fall in those gaps"), why);
        assertTrue(why.contains("2 counter reset(s)"), why);
        assertTrue(c.gaps().stream().anyMatch(g -> g.start().equals("2025-06-03T10:21:00Z")
                && g.end().equals("2025-06-03T10:45:00Z") && g.detail().equals("no sample of up from this agent")),
                c.gaps().toString());
        String md = ReportFormats.markdown(journal.withPrometheus(c));
        assertTrue(md.contains("| 2 | service mail | minutes down | 50.00 | 40.00 | -10.00 | NO | Prometheus lower by 10.00 min"),
                md);
        assertTrue(md.contains("Prometheus scrape gaps"), md);
    }

    @Test
    void aPrometheusErrorLeavesTheComparisonUnavailableWithTheError() {
        status = 400;
        Report.Comparison c = new PrometheusMonth(url(), Duration.ofSeconds(5)).compare(journal);
        assertFalse(c.available());
        assertTrue(c.error().contains("answered HTTP 400 (bad_data: parse error: canned)"), c.error());
        String md = ReportFormats.markdown(journal.withPrometheus(c));
        assertTrue(md.contains("**Comparison unavailable**: Prometheus at http://127.0.0.1:"), md);
        assertTrue(md.contains("## Clause 2: reachability"), "the journal's report is all there");
        assertNull(journal.prometheus());
    }

    /** The known mix of {@link Clause6ReportTest}, as the agent counted it. */
    private Report clause6Month() throws IOException {
        Path filters = dir.resolve("filters");
        try (JournalFixture f = new JournalFixture(filters, Instant.parse("2025-06-01T00:00:00Z"))) {
            new Clause6ReportTest().knownMix(f);
        }
        Map<String, Integer> virus = Clause6ReportTest.ordered("rejected", 20, "withheld", 10, "cleaned", 9, "junk", 5,
                "tagged", 5, "untouched", 1, "failed", 3);
        virus.forEach((o, n) -> filterSamples.put(List.of("inbound", "virus", o), (double) n));
        Map<String, Integer> spam = Clause6ReportTest.ordered("junk", 30, "tagged", 10, "rejected", 8, "untouched", 2);
        spam.forEach((o, n) -> filterSamples.put(List.of("inbound", "spam", o), (double) n));
        filterSamples.put(List.of("inbound", "clean", "untouched"), 19.0);
        filterSamples.put(List.of("inbound", "clean", "junk"), 1.0);
        return MonthlyReport.compute(filters, MonthlyReportTest.JUNE);
    }

    @Test
    void clause6SamplesThatMatchTheJournalAgree() throws IOException {
        Report month = clause6Month();

        Report.Comparison c = new PrometheusMonth(url(), Duration.ofSeconds(5)).compare(month);

        assertTrue(c.available(), c.error());
        List<Report.Figure> six = c.figures().stream().filter(f -> f.clause().equals("6")).toList();
        assertEquals(6, six.size(), six.toString());
        six.forEach(f -> assertTrue(f.agrees(), f.toString()));
        Report.Figure virus = six.stream().filter(f -> f.subject().equals("inbound virus")
                && f.figure().equals("samples with an outcome")).findFirst().orElseThrow();
        assertEquals(50.0, virus.prometheus(), 1e-9, "failed sends are in no count");
        assertTrue(queries.stream().anyMatch(q -> q.equals("sum by (direction, kind, outcome) (increase("
                + "mailprobe_filter_samples_total{agent=\"agent-1\",site=\"site-1\"}" + c.window() + "))")),
                String.join("\n", queries));
    }

    @Test
    void aClause6MissPrometheusNeverSawIsADifference() throws IOException {
        Report month = clause6Month();
        // No restart: a count may differ by half a sample at most.
        resets = 0;
        filterSamples.put(List.of("inbound", "virus", "untouched"), 0.0);

        Report.Comparison c = new PrometheusMonth(url(), Duration.ofSeconds(5)).compare(month);

        Report.Figure untouched = c.figures().stream().filter(f -> f.subject().equals("inbound virus")
                && f.figure().equals("samples delivered untouched")).findFirst().orElseThrow();
        assertFalse(untouched.agrees(), untouched.toString());
        assertEquals(-1.0, untouched.difference(), 1e-9);
        assertTrue(untouched.explanation().contains("the journal counts a sample in the month it was sent, "
                + "Prometheus when its outcome was known"), untouched.explanation());
    }

    @Test
    void aMonthWithoutFilterSamplesAsksPrometheusNothingOfClause6() {
        new PrometheusMonth(url(), Duration.ofSeconds(5)).compare(journal);

        assertTrue(queries.stream().noneMatch(q -> q.contains("mailprobe_filter_samples_total")),
                String.join("\n", queries));
    }

    private static Report.Figure figure(Report.Comparison c, String name) {
        return c.figures().stream().filter(f -> f.figure().equals(name)).findFirst().orElseThrow();
    }

    private void answer(HttpExchange x) throws IOException {
        String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String q = URLDecoder.decode(body.replaceFirst("^query=", ""), StandardCharsets.UTF_8);
        queries.add(q);
        ObjectNode response = JSON.createObjectNode();
        if (status != 200) {
            response.put("status", "error").put("errorType", "bad_data").put("error", "parse error: canned");
        } else {
            response.put("status", "success");
            ObjectNode data = response.putObject("data");
            ArrayNode result = data.putArray("result");
            if (q.startsWith("up{")) {
                data.put("resultType", "matrix");
                up(result.addObject());
            } else {
                data.put("resultType", "vector");
                if (q.contains("mailprobe_filter_samples_total")) {
                    filterSamples.forEach((k, v) -> sample(result, Map.of("direction", k.get(0), "kind", k.get(1),
                            "outcome", k.get(2)), v));
                } else if (q.contains("resets(")) {
                    sample(result, Map.of("service", "mail"), resets);
                } else if (q.contains("mailprobe_service_state_seconds_total")) {
                    sample(result, Map.of("service", "mail", "state", "up"), 42969.25 * 60);
                    sample(result, Map.of("service", "mail", "state", "down"), downSeconds);
                    sample(result, Map.of("service", "mail", "state", "excluded"), 3600);
                    sample(result, Map.of("service", "mail", "state", "unknown"), 45);
                } else if (q.contains("delivery_delay_seconds_count")) {
                    sample(result, Map.of("leg", "loop", "path", "imap"), 28);
                } else if (q.contains("delivery_delay_seconds_sum")) {
                    sample(result, Map.of("leg", "loop", "path", "imap"),
                            journal.clause4().paths().get(0).averageSeconds() * 28);
                } else if (q.contains("delivery_delay_seconds_bucket")) {
                    sample(result, Map.of("leg", "loop", "path", "imap"), 28);
                } else if (q.contains("mailprobe_lost_messages_total")) {
                    sample(result, Map.of("path", "imap"), 1);
                }
            }
        }
        byte[] bytes = JSON.writeValueAsBytes(response);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
        x.close();
    }

    /** A scrape every minute of June; up = 0 while the agent was stopped on the 20th; none in the gap. */
    private void up(ObjectNode series) {
        ObjectNode metric = series.putObject("metric");
        metric.put("__name__", "up").put("job", "mailprobe").put("agent", "agent-1").put("site", "site-1");
        ArrayNode values = series.putArray("values");
        long stopFrom = Instant.parse("2025-06-20T12:00:00Z").getEpochSecond();
        long stopTo = Instant.parse("2025-06-20T14:00:00Z").getEpochSecond();
        for (long t = END - 30 * 86400 + 60; t <= END; t += 60) {
            if (gapFrom != null && t > gapFrom.getEpochSecond() && t < gapTo.getEpochSecond()) {
                continue;
            }
            ArrayNode v = values.addArray();
            v.add(t);
            v.add(t > stopFrom && t < stopTo ? "0" : "1");
        }
    }

    private static void sample(ArrayNode result, Map<String, String> labels, double value) {
        ObjectNode s = result.addObject();
        ObjectNode metric = s.putObject("metric");
        labels.forEach(metric::put);
        ArrayNode v = s.putArray("value");
        v.add(END);
        v.add(Double.toString(value));
    }
}
