package org.mailprobe.agent.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.report.Report.Comparison;
import org.mailprobe.agent.report.Report.Figure;
import org.mailprobe.agent.report.Report.Period;

/**
 * The same month computed from Prometheus, beside the journal's figures.
 *
 * <p>The window is exactly the report's period: {@code [<period length in ms>ms] @ <period end>},
 * i.e. from the start of the month (UTC) to the month's end, or to the journal's last record for
 * the current month. Figures come from the raw series of this agent and site (the recording rules
 * are rolling 30-day windows and fit a calendar month only when it has 30 days):
 * {@code increase()} of the state-seconds counters, of the delay histogram's count, sum and
 * 3600-second bucket, of the lost-messages counter, and (clause 6) of the filter-samples counter by
 * direction, kind and outcome. Where a figure differs from the journal by
 * more than Prometheus's own resolution (see {@link #tolerance}), the comparison says by how much
 * and why: the times Prometheus has no sample of the agent ({@code up} missing or 0) while the
 * journal shows it running, the counter resets (agent restarts), and {@code increase()}'s
 * extrapolation at the window's ends.
 */
public final class PrometheusMonth {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_GAPS_LISTED = 50;

    private final String base;
    private final Duration timeout;
    private final HttpClient http;

    public PrometheusMonth(String url, Duration timeout) {
        this.base = url.replaceAll("/+$", "");
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** Prometheus could not be asked, or refused a query: the message says which and why. */
    public static final class PrometheusException extends Exception {
        private static final long serialVersionUID = 1L;

        PrometheusException(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }

    /** The comparison for {@code r}; never throws: an unreachable or failing Prometheus gives an unavailable one. */
    public Comparison compare(Report r) {
        long startMs = Instant.parse(r.periodStart()).toEpochMilli();
        long endMs = Instant.parse(r.periodEnd()).toEpochMilli();
        String window = "[" + Math.max(1, endMs - startMs) + "ms] @ " + String.format(Locale.ROOT, "%.3f", endMs / 1000.0);
        String sel = "agent=\"" + escape(r.agent()) + "\",site=\"" + escape(r.site()) + "\"";
        try {
            return compute(r, startMs, endMs, window, sel);
        } catch (PrometheusException e) {
            return unavailable(base, window, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unavailable(base, window, "interrupted while querying Prometheus at " + base);
        }
    }

    static Comparison unavailable(String url, String window, @Nullable String error) {
        return new Comparison(false, url, error, window, 0, 0, 0, 0, List.of(), List.of(),
                "the comparison with Prometheus is unavailable; the journal's figures above stand on their own");
    }

    private Comparison compute(Report r, long startMs, long endMs, String window, String sel)
            throws PrometheusException, InterruptedException {
        // The scrapes of this agent in the window: their spacing is the scrape interval, and every
        // missing or failed scrape is time Prometheus did not see.
        JsonNode upSeries = query("up{" + sel + "}" + window);
        List<double[]> samples = new ArrayList<>();
        for (JsonNode s : upSeries) {
            for (JsonNode v : s.path("values")) {
                samples.add(new double[] {v.get(0).asDouble() * 1000, Double.parseDouble(v.get(1).asText())});
            }
        }
        samples.sort((a, b) -> Double.compare(a[0], b[0]));
        double intervalMs = medianSpacing(samples);
        List<long[]> gapSpans = gaps(samples, startMs, endMs, intervalMs);
        long failed = samples.stream().filter(s -> s[1] == 0).count();
        double observedMs = samples.isEmpty() ? 0 : samples.get(samples.size() - 1)[0] - samples.get(0)[0];

        boolean services = r.clause2().subjects().stream().anyMatch(s -> s.scope().equals("service"));
        String scope = services ? "service" : "endpoint";
        String counter = "mailprobe_" + scope + "_state_seconds_total{" + sel + "}" + window;
        Map<String, Double> stateSeconds = values(query("sum by (" + scope + ", state) (increase(" + counter + "))"),
                scope, "state");
        Map<String, Double> resets = values(query("max by (" + scope + ") (resets(" + counter + "))"), scope);
        long maxResets = Math.round(resets.values().stream().mapToDouble(Double::doubleValue).max().orElse(0));

        List<Figure> figures = new ArrayList<>();
        double windowMinutes = (endMs - startMs) / 60_000.0;
        for (Report.Subject s : r.clause2().subjects()) {
            double running = runningGapMinutes(gapSpans, s);
            long subjectResets = Math.round(resets.getOrDefault(s.name(), 0.0));
            String query = "sum by (" + scope + ", state) (increase(mailprobe_" + scope + "_state_seconds_total{"
                    + sel + "," + scope + "=\"" + escape(s.name()) + "\"}" + window + ")) / 60";
            boolean any = stateSeconds.keySet().stream().anyMatch(k -> k.startsWith(s.name() + "\u0000"));
            double total = 0;
            String[] states = {"up", "down", "excluded", "unknown"};
            double[] journal = {s.minutesUp(), s.minutesDown(), s.minutesExcluded(), s.minutesUnknown()};
            for (int i = 0; i < states.length; i++) {
                Double sec = stateSeconds.get(s.name() + "\u0000" + states[i]);
                Double prom = any ? (sec == null ? 0.0 : sec / 60) : null;
                total += prom == null ? 0 : prom;
                List<Period> periods = states[i].equals("down") ? s.outages()
                        : states[i].equals("excluded") ? s.excluded() : states[i].equals("unknown")
                        ? s.unknown().stream().filter(p -> !p.evidence().isEmpty()).toList() : List.of();
                figures.add(figure("2", scope + " " + s.name(), "minutes " + states[i], journal[i], prom, "min",
                        minuteTolerance(prom, intervalMs, observedMs, subjectResets), query,
                        gapSpans, running, subjectResets, overlapMinutes(gapSpans, periods), intervalMs));
            }
            Double unaccounted = any ? Math.max(0, windowMinutes - total) : null;
            figures.add(figure("2", scope + " " + s.name(), "minutes with no evidence (agent not running)",
                    s.minutesNoEvidence(), unaccounted, "min",
                    minuteTolerance(total, intervalMs, observedMs, subjectResets),
                    "window minutes - sum(increase(" + counter + ")) / 60", gapSpans, running, subjectResets, -1,
                    intervalMs));
        }

        String delay = "{" + sel + "}" + window;
        Map<String, Double> count = values(query("sum by (leg, path) (increase(mailprobe_delivery_delay_seconds_count"
                + delay + "))"), "leg", "path");
        Map<String, Double> sum = values(query("sum by (leg, path) (increase(mailprobe_delivery_delay_seconds_sum"
                + delay + "))"), "leg", "path");
        Map<String, Double> within = values(query("sum by (leg, path) (increase(mailprobe_delivery_delay_seconds_bucket{"
                + sel + ",le=\"3600.0\"}" + window + "))"), "leg", "path");
        Map<String, Double> lost = values(query("sum by (path) (increase(mailprobe_lost_messages_total" + delay + "))"),
                "path");
        Map<String, Long> journalLost = new HashMap<>();
        r.clause4().paths().forEach(p -> journalLost.merge(p.path(), p.lost(), Long::sum));
        double running = runningGapMinutes(gapSpans, r.clause2().subjects().isEmpty() ? null
                : r.clause2().subjects().get(0));
        for (Report.PathDelay p : r.clause4().paths()) {
            String key = p.leg() + "\u0000" + p.path();
            String subject = p.leg() + " " + p.path();
            Double n = count.get(key);
            Double s = sum.get(key);
            Double w = within.get(key);
            figures.add(figure("4", subject, "messages seen", (double) p.messages(), n, "",
                    countTolerance(n, intervalMs, observedMs, maxResets),
                    "sum by (leg, path) (increase(mailprobe_delivery_delay_seconds_count" + delay + "))",
                    gapSpans, running, maxResets, -1, intervalMs));
            Double avg = n == null || s == null || n == 0 ? null : s / n;
            figures.add(figure("4", subject, "average delay", p.averageSeconds(), avg, "s",
                    avg == null ? 0 : Math.max(0.01, 0.01 * avg),
                    "increase(..._sum" + window + ") / increase(..._count" + window + ")", gapSpans, running, maxResets,
                    -1, intervalMs));
            Double over = n == null || w == null ? null : Math.max(0, n - w);
            figures.add(figure("4", subject, "messages over 1 h", (double) p.overOneHour(), over, "",
                    countTolerance(over, intervalMs, observedMs, maxResets),
                    "increase(..._count" + window + ") - increase(..._bucket{le=\"3600.0\"}" + window + ")", gapSpans,
                    running, maxResets, -1, intervalMs));
        }
        for (Map.Entry<String, Long> e : journalLost.entrySet()) {
            Double l = lost.get(e.getKey());
            figures.add(figure("4", "path " + e.getKey(), "lost messages", (double) e.getValue(), l, "",
                    countTolerance(l, intervalMs, observedMs, maxResets),
                    "sum by (path) (increase(mailprobe_lost_messages_total" + delay + "))", gapSpans, running,
                    maxResets, -1, intervalMs));
        }
        if (r.clause6().measured()) {
            clause6(r.clause6(), sel, window, figures, gapSpans, running, maxResets, intervalMs, observedMs);
        }

        List<Period> gapPeriods = new ArrayList<>();
        double gapMinutes = 0;
        for (long[] g : gapSpans) {
            gapMinutes += (g[1] - g[0]) / 60_000.0;
            if (gapPeriods.size() < MAX_GAPS_LISTED) {
                gapPeriods.add(new Period(Instant.ofEpochMilli(g[0]).toString(), Instant.ofEpochMilli(g[1]).toString(),
                        (g[1] - g[0]) / 60_000.0, "gap", "", "", g[2] == 1 ? "scrapes failed (up = 0)"
                                : "no sample of up from this agent", List.of()));
            }
        }
        boolean agree = figures.stream().allMatch(Figure::agrees);
        String note = samples.isEmpty()
                ? "Prometheus has no sample of up{" + sel + "} in the period: it did not scrape this agent (check the "
                        + "scrape job's site and agent labels)"
                : (agree ? "every figure agrees with the journal" : "some figures differ; each says by how much and why")
                        + ". Window " + window + " (the report's period exactly); increase() of the agent's own "
                        + "counters, which accumulate time themselves, so a scrape gap within one run of the agent "
                        + "costs nothing; a figure agrees when it is within Prometheus's resolution (one scrape "
                        + "interval per restart and at each end of the window)";
        return new Comparison(true, base, "", window, intervalMs / 1000.0, samples.size(), failed, maxResets,
                gapPeriods, figures, note);
    }

    /**
     * Clause 6 per direction and kind: the samples with an outcome from the provider, and those
     * delivered untouched (a miss for virus and spam, the right outcome for clean), from the
     * agent's {@code mailprobe_filter_samples_total}.
     */
    private void clause6(Report.Clause6 c6, String sel, String window, List<Figure> figures, List<long[]> gaps,
            double running, long resets, double intervalMs, double observedMs)
            throws PrometheusException, InterruptedException {
        String query = "sum by (direction, kind, outcome) (increase(mailprobe_filter_samples_total{" + sel + "}"
                + window + "))";
        Map<String, Double> byOutcome = values(query(query), "direction", "kind", "outcome");
        for (Report.FilterSamples s : c6.samples()) {
            String prefix = s.direction() + "\u0000" + s.kind() + "\u0000";
            Double samples = null;
            Double untouched = null;
            for (Map.Entry<String, Double> e : byOutcome.entrySet()) {
                if (!e.getKey().startsWith(prefix) || e.getKey().endsWith("\u0000" + FilterMonth.FAILED)) {
                    continue;
                }
                samples = (samples == null ? 0 : samples) + e.getValue();
                if (e.getKey().endsWith("\u0000untouched")) {
                    untouched = e.getValue();
                }
            }
            if (samples != null && untouched == null) {
                untouched = 0.0;
            }
            String subject = s.direction() + " " + s.kind();
            figures.add(figure("6", subject, "samples with an outcome", (double) s.samples(), samples, "",
                    countTolerance(samples, intervalMs, observedMs, resets), query, gaps, running, resets, -1,
                    intervalMs));
            figures.add(figure("6", subject, "samples delivered untouched", (double) s.outcomes()
                    .getOrDefault("untouched", 0L), untouched, "", countTolerance(untouched, intervalMs, observedMs,
                            resets), query, gaps, running, resets, -1, intervalMs));
        }
    }

    private static Figure figure(String clause, String subject, String name, double journal, @Nullable Double prom, String unit,
            double tolerance, String query, List<long[]> gaps, double runningGapMinutes, long resets,
            double gapInPeriodsMinutes, double intervalMs) {
        if (prom == null) {
            return new Figure(clause, subject, name, journal, null, null, unit, false,
                    "Prometheus has no series for this figure of this agent and site (never scraped in the period, "
                            + "or scraped under other labels)", query);
        }
        double diff = prom - journal;
        boolean agrees = Math.abs(diff) <= tolerance;
        String why;
        if (agrees) {
            why = diff == 0 ? "agrees exactly" : String.format(Locale.ROOT, "agrees within Prometheus's resolution "
                    + "(%s %s)", MonthlyReport.fmt(tolerance), unit.isEmpty() ? "messages" : unit);
        } else {
            List<String> causes = new ArrayList<>();
            if (runningGapMinutes > 0) {
                causes.add(String.format(Locale.ROOT, "Prometheus has no sample of the agent for %s min while the "
                        + "journal shows it running (%d scrape gap(s) in the period, see below): time before the "
                        + "first scrape of a run, and after the last scrape before a stop, is not in increase()",
                        MonthlyReport.fmt(runningGapMinutes), gaps.size()));
            }
            if (gapInPeriodsMinutes > 0) {
                causes.add(String.format(Locale.ROOT, "%s min of the journal's periods for this figure fall in "
                        + "those gaps", MonthlyReport.fmt(gapInPeriodsMinutes)));
            }
            if (resets > 0) {
                causes.add(resets + " counter reset(s) (the agent restarted): what it counted between its last "
                        + "scrape and each stop never reached Prometheus");
            }
            causes.add(String.format(Locale.ROOT, "increase() extrapolates at the window's ends by up to 1.1 scrape "
                    + "intervals (%s s)", MonthlyReport.fmt(intervalMs / 1000.0)));
            if (clause.equals("4")) {
                causes.add("the journal counts a probe in the month it was accepted, Prometheus when it was seen");
            }
            if (clause.equals("6")) {
                causes.add("the journal counts a sample in the month it was sent, Prometheus when its outcome was "
                        + "known");
            }
            why = String.format(Locale.ROOT, "Prometheus %s by %s %s: ", diff > 0 ? "higher" : "lower",
                    MonthlyReport.fmt(Math.abs(diff)), unit.isEmpty() ? "messages" : unit) + String.join("; ", causes);
        }
        return new Figure(clause, subject, name, journal, prom, diff, unit, agrees, why, query);
    }

    /**
     * How far a figure from increase() may be from the exact one: for each end of the window and each
     * restart, one scrape interval's worth of the counter, plus the extrapolation share of the figure.
     */
    static double tolerance(@Nullable Double value, double intervalMs, double observedMs, long resets, double perInterval) {
        double v = value == null ? 0 : Math.abs(value);
        double share = observedMs <= 0 ? 0 : v * 1.1 * intervalMs / observedMs;
        return perInterval * (1 + resets) + share;
    }

    private static double minuteTolerance(@Nullable Double v, double intervalMs, double observedMs, long resets) {
        return tolerance(v, intervalMs, observedMs, resets, Math.max(1000, intervalMs) / 60_000.0);
    }

    private static double countTolerance(@Nullable Double v, double intervalMs, double observedMs, long resets) {
        return Math.max(0.5, tolerance(v, intervalMs, observedMs, resets, 0) + resets);
    }

    static double medianSpacing(List<double[]> samples) {
        if (samples.size() < 2) {
            return 0;
        }
        double[] d = new double[samples.size() - 1];
        for (int i = 1; i < samples.size(); i++) {
            d[i - 1] = samples.get(i)[0] - samples.get(i - 1)[0];
        }
        Arrays.sort(d);
        return d[d.length / 2];
    }

    /**
     * Spans {start, end, failed} with no successful scrape: between two successful scrapes more than
     * 1.5 intervals apart, the time after the first one's interval (flagged failed when scrapes in
     * between returned up = 0); and at the window's ends.
     */
    static List<long[]> gaps(List<double[]> samples, long startMs, long endMs, double intervalMs) {
        List<long[]> gaps = new ArrayList<>();
        double slack = intervalMs * 1.5;
        double prev = Double.NaN;
        boolean failedBetween = false;
        for (double[] s : samples) {
            if (s[1] == 0) {
                failedBetween = true;
                continue;
            }
            if (Double.isNaN(prev)) {
                if (s[0] - startMs > slack || failedBetween) {
                    add(gaps, startMs, (long) s[0], failedBetween ? 1 : 0);
                }
            } else if (s[0] - prev > slack) {
                add(gaps, (long) (prev + intervalMs), (long) s[0], failedBetween ? 1 : 0);
            }
            prev = s[0];
            failedBetween = false;
        }
        if (Double.isNaN(prev)) {
            add(gaps, startMs, endMs, failedBetween ? 1 : 0);
        } else if (endMs - prev > slack || failedBetween) {
            add(gaps, (long) Math.min(endMs, prev + intervalMs), endMs, failedBetween ? 1 : 0);
        }
        return gaps;
    }

    private static void add(List<long[]> gaps, long a, long b, long failed) {
        if (b <= a) {
            return;
        }
        long[] last = gaps.isEmpty() ? null : gaps.get(gaps.size() - 1);
        if (last != null && a <= last[1]) {
            last[1] = Math.max(last[1], b);
            last[2] = Math.max(last[2], failed);
        } else {
            gaps.add(new long[] {a, b, failed});
        }
    }

    /** Minutes of the gaps in which the journal shows the agent running (not in its no-evidence periods). */
    private static double runningGapMinutes(List<long[]> gaps, Report.@Nullable Subject s) {
        double total = 0;
        for (long[] g : gaps) {
            total += (g[1] - g[0]) / 60_000.0;
        }
        if (s == null) {
            return total;
        }
        List<Period> noEvidence = s.unknown().stream().filter(p -> p.evidence().isEmpty()).toList();
        return Math.max(0, total - overlapMinutes(gaps, noEvidence));
    }

    static double overlapMinutes(List<long[]> gaps, List<Period> periods) {
        double total = 0;
        for (Period p : periods) {
            long a = Instant.parse(p.start()).toEpochMilli();
            long b = Instant.parse(p.end()).toEpochMilli();
            for (long[] g : gaps) {
                total += Math.max(0, Math.min(b, g[1]) - Math.max(a, g[0])) / 60_000.0;
            }
        }
        return total;
    }

    /** Sample values by their labels' values joined with NUL. */
    private static Map<String, Double> values(JsonNode result, String... labels) {
        Map<String, Double> out = new HashMap<>();
        for (JsonNode s : result) {
            StringBuilder key = new StringBuilder();
            for (int i = 0; i < labels.length; i++) {
                key.append(i == 0 ? "" : "\u0000").append(s.path("metric").path(labels[i]).asText());
            }
            double v = Double.parseDouble(s.path("value").get(1).asText());
            out.merge(key.toString(), Double.isNaN(v) ? 0 : v, Double::sum);
        }
        return out;
    }

    /** One instant query; the result array. */
    JsonNode query(String promql) throws PrometheusException, InterruptedException {
        String body = "query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8);
        HttpRequest req;
        try {
            req = HttpRequest.newBuilder(URI.create(base + "/api/v1/query")).timeout(timeout)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        } catch (IllegalArgumentException e) {
            throw new PrometheusException("--prometheus '" + base + "' is not a URL like http://prometheus:9090", e);
        }
        HttpResponse<String> response;
        try {
            response = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new PrometheusException("cannot reach Prometheus at " + base + ": " + e, e);
        }
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new PrometheusException("Prometheus at " + base + " answered HTTP " + response.statusCode()
                    + " with something that is not its API's JSON (is this Prometheus's address?)", e);
        }
        if (response.statusCode() != 200 || !"success".equals(json.path("status").asText())) {
            throw new PrometheusException("Prometheus at " + base + " answered HTTP " + response.statusCode() + " ("
                    + json.path("errorType").asText("no error type") + ": " + json.path("error").asText("no message")
                    + ") to " + promql, null);
        }
        return json.path("data").path("result");
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
