package org.mailprobe.agent.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.report.Report.Period;
import org.mailprobe.agent.report.Report.Ref;

/** The report as JSON (for machines), Markdown (for tickets) and one self-contained HTML file (to print). */
public final class ReportFormats {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);
    /** The summary table's header colour; the browser test looks for it in a screenshot. */
    public static final String HEADER_COLOUR = "#1f4e79";

    private ReportFormats() {}

    public static String json(Report r) {
        try {
            return JSON.writeValueAsString(r) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a report is always serialisable", e);
        }
    }

    public static String markdown(Report r) {
        StringBuilder b = new StringBuilder();
        b.append("# SLA report ").append(r.month()).append(": agent ").append(r.agent()).append(" at site ")
                .append(r.site()).append("\n\n");
        b.append("Period ").append(r.periodStart()).append(" to ").append(r.periodEnd()).append(" (")
                .append(f(r.calendarMinutes())).append(" calendar minutes; the contract month is 43,200 minutes). ");
        b.append(journalLine(r)).append("\n\n");
        b.append("| clause | promise | figure | kept |\n|---|---|---|---|\n");
        for (Report.Promise p : r.promises()) {
            b.append("| ").append(p.clause()).append(" | ").append(p.promise()).append(" | ").append(p.figure())
                    .append(" | ").append(kept(p.kept())).append(" |\n");
        }
        b.append("\n## Clause 2: reachability\n\n").append(r.clause2().note()).append(".\n\n");
        for (Report.Subject s : r.clause2().subjects()) {
            b.append("### ").append(s.scope()).append(" ").append(s.name()).append("\n\n");
            b.append("Up ").append(f(s.minutesUp())).append(" min, **down ").append(f(s.minutesDown()))
                    .append(" min** (limit 44), excluded ").append(f(s.minutesExcluded())).append(" min, unknown ")
                    .append(f(s.minutesUnknown())).append(" min, no evidence ").append(f(s.minutesNoEvidence()))
                    .append(" min; ratio ").append(MonthlyReport.pct(s.ratio())).append(".\n\n");
            periods(b, "Outages", s.outages());
            periods(b, "Excluded (announced maintenance)", s.excluded());
            periods(b, "Unknown", s.unknown());
        }
        b.append("## Clause 4: delays\n\n| leg | path | messages | average s | max s | proved over 1 h | lost | "
                + "lost, timeout under 1 h | late (longest s) | max record |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Report.PathDelay p : r.clause4().paths()) {
            b.append("| ").append(p.leg()).append(" | ").append(p.path()).append(" | ").append(p.messages())
                    .append(" | ").append(f(p.averageSeconds())).append(" | ").append(f(p.maxSeconds())).append(" | ")
                    .append(p.provedOverOneHour()).append(" | ").append(p.lost()).append(" | ")
                    .append(p.lostWithinShortTimeout()).append(" | ").append(p.late()).append(" (")
                    .append(f(p.lateMaxSeconds())).append(") | ").append(ref(p.maxEvidence())).append(" |\n");
        }
        b.append("\nFailed submissions: ").append(r.clause4().failedSubmissions()).append(". ")
                .append(r.clause4().note()).append("\n\n");
        b.append("## Clause 1: system faults\n\n");
        if (r.clause1().assessed()) {
            b.append(f(r.clause1().faultMinutes())).append(" fault minutes over ").append(r.clause1().accounts().size())
                    .append(" accounts (limit 43.2).\n\n");
            periods(b, "Fault periods", r.clause1().faults());
        } else {
            b.append(r.clause1().note()).append(".\n\n");
        }
        if (!r.clause1().byAccount().isEmpty()) {
            b.append("| account | minutes with a result | minutes failing |\n|---|---|---|\n");
            for (Report.AccountMinutes a : r.clause1().byAccount()) {
                b.append("| ").append(a.account()).append(" | ").append(a.minutesProbed()).append(" | ")
                        .append(a.minutesFailing()).append(" |\n");
            }
            b.append('\n');
        }
        markdownClause6(b, r.clause6());
        b.append("## Clause 8: compensation\n\n").append(f(r.clause8().compensationMinutes()))
                .append(" minutes (outage ").append(f(r.clause8().outageMinutes())).append(" min; missed clauses: ")
                .append(r.clause8().missedClauses().isEmpty() ? "none" : String.join(", ", r.clause8().missedClauses()))
                .append("). ").append(r.clause8().note()).append(".\n\n");
        markdownComparison(b, r.prometheus());
        b.append("## Evidence\n\n");
        for (Report.Evidence e : r.evidence()) {
            b.append("- ").append(ref(e.ref())).append(": `").append(e.record().replace("`", "'")).append("`\n");
        }
        return b.toString();
    }

    private static void markdownClause6(StringBuilder b, Report.Clause6 c) {
        b.append("## Clause 6: virus and spam filtering\n\n");
        if (!c.measured()) {
            b.append(capital(c.note())).append(".\n\n");
            return;
        }
        b.append(capital(c.note())).append(".\n\n| direction | kind | samples | ");
        b.append(String.join(" | ", FilterMonth.OUTCOMES)).append(" | failed (in no rate) |\n|---|---|---|");
        b.append("---|".repeat(FilterMonth.OUTCOMES.size() + 1)).append('\n');
        for (Report.FilterSamples s : c.samples()) {
            b.append("| ").append(s.direction()).append(" | ").append(s.kind()).append(" | ").append(s.samples());
            s.outcomes().values().forEach(n -> b.append(" | ").append(n));
            b.append(" | ").append(s.failed()).append(" |\n");
        }
        b.append("\n| direction | rate | target | samples | against | rate | at least (95%) | at most (95%) | verdict "
                + "| samples needed, no miss |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Report.FilterRate x : c.rates()) {
            b.append("| ").append(x.direction()).append(" | ").append(x.name()).append(" | ")
                    .append(target(x.target())).append(" | ").append(x.samples()).append(" | ").append(x.against())
                    .append(" | ").append(rate(x.rate())).append(" | ").append(FilterMonth.pct(x.lower()))
                    .append(" | ").append(FilterMonth.pct(x.upper())).append(" | ").append(x.verdict()).append(" | ")
                    .append(needed(x.samplesNeeded())).append(" |\n");
        }
        b.append('\n');
        for (Report.FilterRate x : c.rates()) {
            b.append("- ").append(x.statement());
            if (!x.evidence().isEmpty()) {
                b.append(" Records: ").append(refs(x.evidence())).append('.');
            }
            b.append('\n');
        }
        b.append('\n');
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String target(@Nullable Double t) {
        return t == null ? "none" : FilterMonth.target(t);
    }

    private static String rate(@Nullable Double r) {
        return r == null ? "" : FilterMonth.pct(r);
    }

    private static String needed(@Nullable Long n) {
        return n == null ? "" : FilterMonth.thousands(n);
    }

    private static void markdownComparison(StringBuilder b, Report.@Nullable Comparison c) {
        if (c == null) {
            return;
        }
        b.append("## The same month from Prometheus\n\n");
        if (!c.available()) {
            b.append("**Comparison unavailable**: ").append(c.error()).append(". ").append(c.note()).append(".\n\n");
            return;
        }
        b.append(c.url()).append(", window `").append(c.window()).append("`: ").append(c.scrapes())
                .append(" scrapes of this agent, scrape interval ").append(f(c.scrapeIntervalSeconds()))
                .append(" s, ").append(c.failedScrapes()).append(" failed, ").append(c.counterResets())
                .append(" counter resets (agent restarts). ").append(c.note()).append(".\n\n");
        b.append("| clause | subject | figure | journal | Prometheus | difference | agrees | why |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        for (Report.Figure x : c.figures()) {
            b.append("| ").append(x.clause()).append(" | ").append(x.subject()).append(" | ").append(x.figure())
                    .append(" | ").append(f(x.journal())).append(" | ").append(opt(x.prometheus())).append(" | ")
                    .append(signed(x.difference())).append(" | ").append(x.agrees() ? "yes" : "NO").append(" | ")
                    .append(x.explanation().replace("|", "/")).append(" |\n");
        }
        b.append('\n');
        periods(b, "Prometheus scrape gaps (no successful scrape of this agent)", c.gaps());
    }

    private static String opt(@Nullable Double v) {
        return v == null ? "no series" : f(v);
    }

    private static String signed(@Nullable Double v) {
        return v == null ? "" : (v > 0 ? "+" : "") + f(v);
    }

    private static void periods(StringBuilder b, String title, List<Period> periods) {
        if (periods.isEmpty()) {
            return;
        }
        b.append(title).append(":\n\n| start | end | minutes | stage | reason | detail | records |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (Period p : periods) {
            b.append("| ").append(p.start()).append(" | ").append(p.end()).append(" | ").append(f(p.minutes()))
                    .append(" | ").append(p.stage()).append(" | ").append(p.reason()).append(" | ")
                    .append(p.detail().replace("|", "/")).append(" | ").append(refs(p.evidence())).append(" |\n");
        }
        b.append('\n');
    }

    public static String html(Report r) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>SLA report ")
                .append(e(r.month())).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;color:#222;background:#fff}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #999;padding:4px 8px;")
                .append("text-align:left;font-size:13px}")
                .append("table.summary th{background:").append(HEADER_COLOUR).append(";color:#fff}")
                .append("tr.kept td.verdict{background:#c6efce}tr.missed td.verdict{background:#ffc7ce}")
                .append(".timeline{position:relative}code{font-size:11px;word-break:break-all}")
                .append("@media print{body{margin:0}}\n</style></head><body>\n");
        b.append("<h1>SLA report ").append(e(r.month())).append("</h1>\n<p>Agent <b>").append(e(r.agent()))
                .append("</b> at site <b>").append(e(r.site())).append("</b>. Period ").append(e(r.periodStart()))
                .append(" to ").append(e(r.periodEnd())).append(" (").append(f(r.calendarMinutes()))
                .append(" calendar minutes; the contract month is 43,200 minutes).</p>\n<p>")
                .append(e(journalLine(r))).append("</p>\n");
        b.append("<h2>Promises</h2>\n<table class=\"summary\" id=\"summary\"><tr><th>clause</th><th>promise</th>"
                + "<th>figure</th><th>kept</th></tr>\n");
        for (Report.Promise p : r.promises()) {
            b.append("<tr class=\"").append(p.kept() == null ? "na" : p.kept() ? "kept" : "missed").append("\"><td>")
                    .append(e(p.clause())).append("</td><td>").append(e(p.promise())).append("</td><td>")
                    .append(e(p.figure())).append("</td><td class=\"verdict\">").append(kept(p.kept()))
                    .append("</td></tr>\n");
        }
        b.append("</table>\n<h2>Clause 2: outage timeline</h2>\n<p>").append(e(r.clause2().note())).append("</p>\n");
        for (Report.Subject s : r.clause2().subjects()) {
            b.append("<h3>").append(e(s.scope() + " " + s.name())).append("</h3>\n<p>Down <b>")
                    .append(f(s.minutesDown())).append(" min</b> (limit 44), excluded ").append(f(s.minutesExcluded()))
                    .append(" min, unknown ").append(f(s.minutesUnknown())).append(" min, no evidence ")
                    .append(f(s.minutesNoEvidence())).append(" min; ratio ").append(MonthlyReport.pct(s.ratio()))
                    .append("</p>\n").append(timeline(r, s));
            htmlPeriods(b, "Outages", s.outages());
            htmlPeriods(b, "Excluded (announced maintenance)", s.excluded());
            htmlPeriods(b, "Unknown", s.unknown());
        }
        b.append("<h2>Clause 4: delays</h2>\n<table><tr><th>leg</th><th>path</th><th>messages</th><th>average s</th>"
                + "<th>max s</th><th>proved over 1 h</th><th>lost</th><th>lost, timeout under 1 h</th>"
                + "<th>late (longest s)</th><th>max record</th></tr>\n");
        for (Report.PathDelay p : r.clause4().paths()) {
            b.append("<tr><td>").append(e(p.leg())).append("</td><td>").append(e(p.path())).append("</td><td>")
                    .append(p.messages()).append("</td><td>").append(f(p.averageSeconds())).append("</td><td>")
                    .append(f(p.maxSeconds())).append("</td><td>").append(p.provedOverOneHour()).append("</td><td>")
                    .append(p.lost()).append("</td><td>").append(p.lostWithinShortTimeout()).append("</td><td>")
                    .append(p.late()).append(" (").append(f(p.lateMaxSeconds())).append(")</td><td>")
                    .append(e(ref(p.maxEvidence()))).append("</td></tr>\n");
        }
        b.append("</table>\n<p>Failed submissions: ").append(r.clause4().failedSubmissions()).append(". ")
                .append(e(r.clause4().note())).append("</p>\n").append(chart(r));
        b.append("<h2>Clause 1: system faults</h2>\n<p>");
        b.append(r.clause1().assessed() ? f(r.clause1().faultMinutes()) + " fault minutes over "
                + r.clause1().accounts().size() + " accounts (limit 43.2)." : e(r.clause1().note())).append("</p>\n");
        htmlPeriods(b, "Fault periods", r.clause1().faults());
        if (!r.clause1().byAccount().isEmpty()) {
            b.append("<table><tr><th>account</th><th>minutes with a result</th><th>minutes failing</th></tr>\n");
            for (Report.AccountMinutes a : r.clause1().byAccount()) {
                b.append("<tr><td>").append(e(a.account())).append("</td><td>").append(a.minutesProbed())
                        .append("</td><td>").append(a.minutesFailing()).append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
        htmlClause6(b, r.clause6());
        b.append("<h2>Clause 8: compensation</h2>\n<p><b>").append(f(r.clause8().compensationMinutes()))
                .append(" minutes</b> (outage ").append(f(r.clause8().outageMinutes())).append(" min). ")
                .append(e(r.clause8().note())).append("</p>\n");
        htmlComparison(b, r.prometheus());
        b.append("<h2>Evidence</h2>\n<table><tr><th>where</th><th>record</th></tr>\n");
        for (Report.Evidence ev : r.evidence()) {
            b.append("<tr><td>").append(e(ref(ev.ref()))).append("</td><td><code>").append(e(ev.record()))
                    .append("</code></td></tr>\n");
        }
        return b.append("</table>\n</body></html>\n").toString();
    }

    private static void htmlClause6(StringBuilder b, Report.Clause6 c) {
        b.append("<h2 id=\"clause6\">Clause 6: virus and spam filtering</h2>\n<p>").append(e(capital(c.note())))
                .append(".</p>\n");
        if (!c.measured()) {
            return;
        }
        b.append("<table><tr><th>direction</th><th>kind</th><th>samples</th>");
        FilterMonth.OUTCOMES.forEach(o -> b.append("<th>").append(e(o)).append("</th>"));
        b.append("<th>failed (in no rate)</th></tr>\n");
        for (Report.FilterSamples s : c.samples()) {
            b.append("<tr><td>").append(e(s.direction())).append("</td><td>").append(e(s.kind())).append("</td><td>")
                    .append(s.samples()).append("</td>");
            s.outcomes().values().forEach(n -> b.append("<td>").append(n).append("</td>"));
            b.append("<td>").append(s.failed()).append("</td></tr>\n");
        }
        b.append("</table>\n<table class=\"filter-rates\"><tr><th>direction</th><th>rate</th><th>target</th>"
                + "<th>samples</th><th>against</th><th>rate</th><th>at least (95%)</th><th>at most (95%)</th>"
                + "<th>verdict</th><th>samples needed, no miss</th></tr>\n");
        for (Report.FilterRate x : c.rates()) {
            String cls = x.verdict().equals("met") ? "kept" : x.verdict().equals("not met") ? "missed" : "na";
            b.append("<tr class=\"").append(cls).append("\"><td>").append(e(x.direction())).append("</td><td>")
                    .append(e(x.name())).append("</td><td>").append(e(target(x.target()))).append("</td><td>")
                    .append(x.samples()).append("</td><td>").append(x.against()).append("</td><td>")
                    .append(e(rate(x.rate()))).append("</td><td>").append(e(FilterMonth.pct(x.lower())))
                    .append("</td><td>").append(e(FilterMonth.pct(x.upper()))).append("</td><td class=\"verdict\">")
                    .append(e(x.verdict())).append("</td><td>").append(e(needed(x.samplesNeeded())))
                    .append("</td></tr>\n");
        }
        b.append("</table>\n<ul>\n");
        for (Report.FilterRate x : c.rates()) {
            b.append("<li>").append(e(x.statement()));
            if (!x.evidence().isEmpty()) {
                b.append(" Records: ").append(e(refs(x.evidence()))).append('.');
            }
            b.append("</li>\n");
        }
        b.append("</ul>\n");
    }

    private static void htmlComparison(StringBuilder b, Report.@Nullable Comparison c) {
        if (c == null) {
            return;
        }
        b.append("<h2 id=\"prometheus\">The same month from Prometheus</h2>\n");
        if (!c.available()) {
            b.append("<p class=\"unavailable\"><b>Comparison unavailable</b>: ").append(e(String.valueOf(c.error()))).append(". ")
                    .append(e(c.note())).append(".</p>\n");
            return;
        }
        b.append("<p>").append(e(c.url())).append(", window <code>").append(e(c.window())).append("</code>: ")
                .append(c.scrapes()).append(" scrapes of this agent, scrape interval ")
                .append(f(c.scrapeIntervalSeconds())).append(" s, ").append(c.failedScrapes()).append(" failed, ")
                .append(c.counterResets()).append(" counter resets (agent restarts). ").append(e(c.note()))
                .append(".</p>\n<table class=\"comparison\"><tr><th>clause</th><th>subject</th><th>figure</th>"
                        + "<th>journal</th><th>Prometheus</th><th>difference</th><th>agrees</th><th>why</th></tr>\n");
        for (Report.Figure x : c.figures()) {
            b.append("<tr class=\"").append(x.agrees() ? "kept" : "missed").append("\"><td>").append(e(x.clause()))
                    .append("</td><td>").append(e(x.subject())).append("</td><td>").append(e(x.figure()))
                    .append("</td><td>").append(f(x.journal())).append("</td><td>").append(opt(x.prometheus()))
                    .append("</td><td>").append(signed(x.difference())).append("</td><td class=\"verdict\">")
                    .append(x.agrees() ? "yes" : "NO").append("</td><td>").append(e(x.explanation()))
                    .append("</td></tr>\n");
        }
        b.append("</table>\n");
        htmlPeriods(b, "Prometheus scrape gaps (no successful scrape of this agent)", c.gaps());
    }

    private static void htmlPeriods(StringBuilder b, String title, List<Period> periods) {
        if (periods.isEmpty()) {
            return;
        }
        b.append("<h4>").append(e(title)).append("</h4>\n<table><tr><th>start</th><th>end</th><th>minutes</th>"
                + "<th>stage</th><th>reason</th><th>detail</th><th>records</th></tr>\n");
        for (Period p : periods) {
            b.append("<tr><td>").append(e(p.start())).append("</td><td>").append(e(p.end())).append("</td><td>")
                    .append(f(p.minutes())).append("</td><td>").append(e(p.stage())).append("</td><td>")
                    .append(e(p.reason())).append("</td><td>").append(e(p.detail())).append("</td><td>")
                    .append(e(refs(p.evidence()))).append("</td></tr>\n");
        }
        b.append("</table>\n");
    }

    /** One bar over the month: red down, grey excluded, amber unknown. */
    private static String timeline(Report r, Report.Subject s) {
        long from = java.time.Instant.parse(r.periodStart()).toEpochMilli();
        double width = 800;
        double total = Math.max(1, r.calendarMinutes() * 60_000);
        StringBuilder b = new StringBuilder("<svg class=\"timeline\" width=\"800\" height=\"24\" "
                + "xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"800\" height=\"24\" fill=\"#c6efce\"/>");
        for (List<Period> list : List.of(s.unknown(), s.excluded(), s.outages())) {
            for (Period p : list) {
                double x = (java.time.Instant.parse(p.start()).toEpochMilli() - from) / total * width;
                double w = Math.max(1, p.minutes() * 60_000 / total * width);
                String colour = p.state().equals("down") ? "#c00000" : p.state().equals("excluded") ? "#999999"
                        : "#ffc000";
                b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" width=\"%.1f\" height=\"24\" fill=\"%s\">"
                        + "<title>%s</title></rect>", x, w, colour, e(p.state() + " " + p.start() + " to " + p.end())));
            }
        }
        return b.append("</svg>\n").toString();
    }

    /** The daily average and maximum delay per path, inline SVG. */
    private static String chart(Report r) {
        List<Report.DailyDelay> days = r.clause4().daily();
        if (days.isEmpty()) {
            return "";
        }
        List<String> series = days.stream().map(d -> d.leg() + " " + d.path()).distinct().collect(Collectors.toList());
        List<String> dayNames = days.stream().map(Report.DailyDelay::day).distinct().sorted()
                .collect(Collectors.toList());
        double maxAvg = days.stream().mapToDouble(Report.DailyDelay::averageSeconds).max().orElse(1);
        double top = Math.max(60, maxAvg * 1.1);
        int w = 800;
        int h = 240;
        StringBuilder b = new StringBuilder("<h3>Daily average delay (seconds; dashed: the 60 s promise)</h3>\n"
                + "<svg width=\"" + w + "\" height=\"" + (h + 40) + "\" xmlns=\"http://www.w3.org/2000/svg\">");
        b.append("<rect x=\"40\" y=\"0\" width=\"").append(w - 40).append("\" height=\"").append(h)
                .append("\" fill=\"#f7f7f7\" stroke=\"#999\"/>");
        double y60 = h - 60 / top * h;
        b.append(String.format(Locale.ROOT, "<line x1=\"40\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#c00000\" "
                + "stroke-dasharray=\"4 4\"/><text x=\"2\" y=\"%.1f\" font-size=\"10\">60 s</text>", w, y60, y60,
                y60 + 3));
        String[] colours = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd"};
        for (int si = 0; si < series.size(); si++) {
            StringBuilder points = new StringBuilder();
            StringBuilder markers = new StringBuilder();
            for (Report.DailyDelay d : days) {
                if (!(d.leg() + " " + d.path()).equals(series.get(si))) {
                    continue;
                }
                int i = dayNames.indexOf(d.day());
                double x = 40 + (dayNames.size() == 1 ? 0.5 : i / (double) (dayNames.size() - 1)) * (w - 50);
                double y = h - d.averageSeconds() / top * h;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
                // A line needs two days; a marker shows a single day (and each day of a longer month).
                markers.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\">"
                        + "<title>%s %s: %s s</title></circle>", x, y, colours[si % colours.length], e(d.day()),
                        e(series.get(si)), f(d.averageSeconds())));
            }
            String colour = colours[si % colours.length];
            b.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append("\" points=\"")
                    .append(points.toString().trim()).append("\"/>").append(markers);
            b.append("<text x=\"").append(50 + si * 150).append("\" y=\"").append(h + 30)
                    .append("\" font-size=\"12\" fill=\"").append(colour).append("\">").append(e(series.get(si)))
                    .append("</text>");
        }
        b.append("<text x=\"40\" y=\"").append(h + 14).append("\" font-size=\"10\">").append(e(dayNames.get(0)))
                .append("</text><text x=\"").append(w - 70).append("\" y=\"").append(h + 14)
                .append("\" font-size=\"10\">").append(e(dayNames.get(dayNames.size() - 1))).append("</text>");
        return b.append("</svg>\n").toString();
    }

    private static String journalLine(Report r) {
        Report.JournalCheck j = r.journal();
        return j.verified() ? "Journal chain verified: " + j.records() + " records, head seq " + j.headSeq()
                + ", head hash " + j.headHash() + "."
                : "JOURNAL CHAIN BROKEN: " + j.problem() + ". Figures are computed from the records as they are.";
    }

    private static String kept(@Nullable Boolean kept) {
        return kept == null ? "n/a" : kept ? "kept" : "MISSED";
    }

    private static String ref(@Nullable Ref r) {
        return r == null ? "" : r.segment() + ":" + r.line() + " (seq " + r.seq() + ")";
    }

    private static String refs(List<Ref> refs) {
        return refs.stream().map(ReportFormats::ref).collect(Collectors.joining(", "));
    }

    private static String f(double v) {
        return MonthlyReport.fmt(v);
    }

    private static String e(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<': b.append("&lt;"); break;
                case '>': b.append("&gt;"); break;
                case '&': b.append("&amp;"); break;
                case '"': b.append("&quot;"); break;
                case '\'': b.append("&#39;"); break;
                default: b.append(c);
            }
        }
        return b.toString();
    }
}
