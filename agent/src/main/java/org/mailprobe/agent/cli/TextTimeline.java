package org.mailprobe.agent.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.mailprobe.agent.runtime.OneShotProbe;
import org.mailprobe.agent.runtime.ProbeOutcome;
import org.mailprobe.agent.runtime.WatchKey;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.SubmissionResult;

/** The {@code probe} command's human output: every timestamp in order, and where it came from. */
final class TextTimeline {
    private TextTimeline() {}

    static String render(OneShotProbe.Report report) {
        StringBuilder b = new StringBuilder();
        ProbeOutcome outcome = report.outcome();
        b.append(String.format("mailprobe probe: route %s (%s), %s%n", report.route().name(),
                report.route().kind().label(), report.route().handOver()));
        if (outcome == null) {
            b.append("  not sent: the watchers could not connect within 30 s\n");
            report.watcherProblems().forEach(p -> b.append("  watcher: ").append(p).append('\n'));
            b.append("result: FAILURE (watchers not ready)\n");
            return b.toString();
        }
        SubmissionResult s = outcome.submission();
        b.append(String.format("  %s  submission started (agent clock)%n", s.started()));
        Instant at = s.started();
        for (Map.Entry<Stage, Duration> e : s.stages().entrySet()) {
            at = at.plus(e.getValue());
            b.append(String.format("  %s  %-9s %9s%n", at, e.getKey().label(), millis(e.getValue())));
        }
        if (s.succeeded()) {
            b.append(String.format("  %s  accepted: \"%s\" (agent clock; delays start here)%n", s.accepted(),
                    s.lastReply()));
        } else {
            b.append(String.format("  submission FAILED at %s: reason %s; server said \"%s\"; %s%n",
                    s.failedStage() == null ? "?" : s.failedStage().label(), s.reason().label(), s.lastReply(),
                    s.detail()));
        }
        for (Map.Entry<WatchKey, Arrival> e : outcome.arrivals().entrySet()) {
            Arrival a = e.getValue();
            if (a != null) {
                b.append(String.format("  %s  seen by %s in %s: delay %s (agent clock)%n", a.seenAt(),
                        e.getKey().path().label(), e.getKey().mailbox(), seconds(outcome.delay(e.getKey()))));
                if (a.serverTime() != null) {
                    b.append(String.format("      server's own stamp (INTERNALDATE, server clock): %s%n", a.serverTime()));
                }
                for (String r : a.received()) {
                    b.append("      Received: ").append(r.replaceAll("\\s+", " ")).append('\n');
                }
            } else if (s.succeeded()) {
                b.append(String.format("  %-30s  LOST on %s in %s: not seen within %s%n", "",
                        e.getKey().path().label(), e.getKey().mailbox(), report.route().timeout()));
            }
        }
        report.watcherProblems().forEach(p -> b.append("  watcher problem: ").append(p).append('\n'));
        b.append("result: ").append(ProbeReportFormat.succeeded(report) ? "SUCCESS" : "FAILURE (" + outcome.reason().label() + ")")
                .append('\n');
        return b.toString();
    }

    private static String millis(Duration d) {
        return String.format("%.1f ms", d.toNanos() / 1e6);
    }

    private static String seconds(Duration d) {
        return String.format("%.3f s", d.toNanos() / 1e9);
    }
}
