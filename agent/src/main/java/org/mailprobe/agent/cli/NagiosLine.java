package org.mailprobe.agent.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.mailprobe.agent.runtime.OneShotProbe;
import org.mailprobe.agent.runtime.ProbeOutcome;
import org.mailprobe.agent.runtime.WatchKey;
import org.mailprobe.probes.Arrival;

/**
 * Monitoring-plugin output: one status line with performance data, and the plugin exit code.
 * See https://nagios-plugins.org/doc/guidelines.html#AEN200 for the perfdata format.
 */
final class NagiosLine {
    private NagiosLine() {}

    static int print(OneShotProbe.Report report, Duration warn, Duration crit, PrintWriter out) {
        ProbeOutcome outcome = report.outcome();
        if (outcome == null) {
            out.println("MAILPROBE UNKNOWN - watchers could not connect: " + String.join("; ", report.watcherProblems()));
            return ExitCodes.NAGIOS_UNKNOWN;
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
        for (Map.Entry<WatchKey, Arrival> e : outcome.arrivals().entrySet()) {
            String path = e.getKey().path().label();
            Duration d = outcome.delay(e.getKey());
            if (d == null) {
                summary.add(path + " lost");
                code = ExitCodes.NAGIOS_CRITICAL;
                continue;
            }
            Arrival a = e.getValue();
            // Seen only when the watcher came back: dated with what is known, and said so (issue 12).
            String mark = a.seenOnReconnect() ? String.format(Locale.ROOT, " (seen on reconnect, blind %.1fs)",
                    a.blind().gap().toMillis() / 1e3) : "";
            summary.add(String.format(Locale.ROOT, "%s %.3fs%s", path, d.toNanos() / 1e9, mark));
            perf.add(String.format(Locale.ROOT, "%s=%.3fs;%d;%d;0", path, d.toNanos() / 1e9, warn.toSeconds(), crit.toSeconds()));
            if (a.seenOnReconnect()) {
                perf.add(String.format(Locale.ROOT, "%s_blind=%.3fs;;;0", path, a.blind().gap().toNanos() / 1e9));
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
}
