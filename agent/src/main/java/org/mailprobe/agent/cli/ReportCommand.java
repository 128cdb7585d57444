package org.mailprobe.agent.cli;

import java.nio.file.Path;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import org.mailprobe.agent.report.MonthlyReport;
import org.mailprobe.agent.report.Report;
import org.mailprobe.agent.report.ReportFormats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The monthly SLA report from the journal alone. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "The contract month from the journal: "
        + "clauses 1, 2, 4 and the clause-8 compensation, with the records behind every figure. Exit 0, or 1 if the "
        + "journal's chain is broken (the report is still written, and says so).")
final class ReportCommand implements Callable<Integer> {
    @Option(names = "--journal", required = true, paramLabel = "DIR", description = "The journal directory.")
    Path journal;

    @Option(names = "--month", required = true, paramLabel = "YYYY-MM", description = "The month (UTC).")
    String month;

    @Option(names = "--format", defaultValue = "md", paramLabel = "FORMAT",
            description = "html (one self-contained file), md (Markdown) or json. Default: ${DEFAULT-VALUE}.")
    String format;

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
        Report r = MonthlyReport.compute(journal, ym);
        String text = format.equals("html") ? ReportFormats.html(r) : format.equals("json") ? ReportFormats.json(r)
                : ReportFormats.markdown(r);
        spec.commandLine().getOut().print(text);
        spec.commandLine().getOut().flush();
        return r.journal().verified() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
