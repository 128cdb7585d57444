package org.mailprobe.agent.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import org.mailprobe.agent.runtime.OneShotProbe;
import org.mailprobe.agent.runtime.ProbeFigures;
import org.mailprobe.probes.Arrival;

/**
 * Monitoring-plugin output: one status line with performance data, and the plugin exit code.
 * See https://nagios-plugins.org/doc/guidelines.html#AEN200 for the perfdata format. A provider's
 * server that refuses the login, fails TLS or does not answer is the service's problem, CRITICAL;
 * UNKNOWN is kept for the plugin's own failures (https://nagios-plugins.org/doc/guidelines.html#AEN78).
 */
final class NagiosLine {
    private NagiosLine() {}

    static int print(OneShotProbe.Report report, Duration warn, Duration crit, PrintWriter out) {
        ProbeFigures outcome = report.outcome();
        if (outcome == null) {
            out.println("MAILPROBE CRITICAL - route " + report.route().name() + ": not sent, the watchers could not "
                    + "connect: " + distinct(report));
            return ExitCodes.NAGIOS_CRITICAL;
        }
        var s = outcome.submission();
        StringJoiner perf = new StringJoiner(" ");
        perf.add(String.format(Locale.ROOT, "submit=%.3fs;;;0", s.total().toNanos() / 1e9));
        if (!s.succeeded()) {
            out.println(String.format("MAILPROBE CRITICAL - route %s: submission failed at %s (%s) | %s",
                    report.route().name(), s.failedStage() == null ? "?" : s.failedStage().label(), s.reason().label(), perf));
            return ExitCodes.NAGIOS_CRITICAL;
        }
        int code = ExitCodes.NAGIOS_OK;
        StringJoiner summary = new StringJoiner(", ");
        for (ProbeFigures.PathFigures p : outcome.paths()) {
            String path = p.watch().path().label();
            Duration d = p.delay();
            if (p.junk()) {
                summary.add(path + " only in Junk");
                code = ExitCodes.NAGIOS_CRITICAL;
                continue;
            }
            if (d == null) {
                summary.add(path + " lost");
                code = ExitCodes.NAGIOS_CRITICAL;
                continue;
            }
            Arrival a = p.arrival();
            // Seen only when the watcher came back: dated with what is known, and said so (issue 12).
            Arrival.Blind blind = a == null ? null : a.blind();
            String mark = blind != null ? String.format(Locale.ROOT, " (seen on reconnect, blind %.1fs)",
                    blind.gap().toMillis() / 1e3) : "";
            summary.add(String.format(Locale.ROOT, "%s %.3fs%s%s", path, d.toNanos() / 1e9, mark,
                    p.belowResolution() ? " (below resolution: seen before the 250 was read)" : ""));
            perf.add(String.format(Locale.ROOT, "%s=%.3fs;%d;%d;0", path, d.toNanos() / 1e9, warn.toSeconds(), crit.toSeconds()));
            if (blind != null) {
                perf.add(String.format(Locale.ROOT, "%s_blind=%.3fs;;;0", path, blind.gap().toNanos() / 1e9));
            }
            if (d.compareTo(crit) > 0) {
                code = ExitCodes.NAGIOS_CRITICAL;
            } else if (d.compareTo(warn) > 0 && code == ExitCodes.NAGIOS_OK) {
                code = ExitCodes.NAGIOS_WARNING;
            }
        }
        String status = code == ExitCodes.NAGIOS_OK ? "OK" : code == ExitCodes.NAGIOS_WARNING ? "WARNING" : "CRITICAL";
        out.println(String.format("MAILPROBE %s - route %s delivered: %s | %s", status, report.route().name(), summary, perf));
        return code;
    }

    /** Each watcher problem once, however often the watcher retried and failed alike. */
    private static String distinct(OneShotProbe.Report report) {
        Set<String> problems = new LinkedHashSet<>(report.watcherProblems());
        return problems.isEmpty() ? "no answer within the time allowed (timeout)" : String.join("; ", problems);
    }
}
