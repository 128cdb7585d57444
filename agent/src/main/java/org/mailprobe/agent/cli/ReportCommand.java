package org.mailprobe.agent.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.report.MonthlyReport;
import org.mailprobe.agent.report.PrometheusMonth;
import org.mailprobe.agent.report.Report;
import org.mailprobe.agent.report.ReportFormats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The monthly SLA report from the journal alone. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "The contract month from the journal: "
        + "clauses 1, 2, 4, 6 and the clause-8 compensation, with the records behind every figure. Exit 0, or 1 if the "
        + "journal's chain is broken (the report is still written, and says so).")
final class ReportCommand implements Callable<Integer> {
    @Option(names = "--journal", required = true, paramLabel = "DIR", description = "The journal directory.")
    Path journal;

    @Option(names = "--month", required = true, paramLabel = "YYYY-MM", description = "The month (UTC).")
    String month;

    @Option(names = "--format", defaultValue = "md", paramLabel = "FORMAT",
            description = "html (one self-contained file), md (Markdown) or json. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--prometheus", paramLabel = "URL", description = "Also compute the month from this Prometheus "
            + "(e.g. http://prometheus:9090) and compare every figure with the journal's; if it cannot be asked, the "
            + "report is still written, with the comparison marked unavailable and the error on stderr.")
    @Nullable String prometheus;

    @Option(names = "--prometheus-timeout", defaultValue = "30", paramLabel = "SECONDS",
            description = "Time allowed for each Prometheus query. Default: ${DEFAULT-VALUE}.")
    int prometheusTimeout;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        YearMonth ym;
        try {
            ym = YearMonth.parse(month);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--month '" + month + "' is not a month like 2025-06");
        }
        if (!format.equals("html") && !format.equals("md") && !format.equals("json")) {
            throw new IllegalArgumentException("--format '" + format + "': use html, md or json");
        }
        if (prometheusTimeout < 1) {
            throw new IllegalArgumentException("--prometheus-timeout must be at least 1 second");
        }
        Report r = MonthlyReport.compute(journal, ym);
        if (prometheus != null) {
            r = r.withPrometheus(new PrometheusMonth(prometheus, Duration.ofSeconds(prometheusTimeout)).compare(r));
            if (r.prometheus() != null && !r.prometheus().available()) {
                spec.commandLine().getErr().println("mailprobe report: the Prometheus comparison is unavailable: "
                        + r.prometheus().error() + "; the journal's report is written without it");
                spec.commandLine().getErr().flush();
            }
        }
        String text = format.equals("html") ? ReportFormats.html(r) : format.equals("json") ? ReportFormats.json(r)
                : ReportFormats.markdown(r);
        spec.commandLine().getOut().print(text);
        spec.commandLine().getOut().flush();
        return r.journal().verified() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
