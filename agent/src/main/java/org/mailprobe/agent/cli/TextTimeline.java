package org.mailprobe.agent.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.runtime.OneShotProbe;
import org.mailprobe.agent.runtime.ProbeFigures;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.received.ReceivedChain;
import org.mailprobe.probes.received.ReceivedHop;
import org.mailprobe.probes.received.SendDelayEstimate;
import org.mailprobe.probes.submit.SubmissionResult;

/** The {@code probe} command's human output: every timestamp in order, and where it came from. */
final class TextTimeline {
    private TextTimeline() {}

    static String render(OneShotProbe.Report report) {
        StringBuilder b = new StringBuilder();
        ProbeFigures outcome = report.outcome();
        b.append(String.format("mailprobe probe: route %s (%s), %s%n", report.route().name(),
                report.route().leg().label(), report.route().handOver()));
        if (outcome == null) {
            b.append("  not sent: the watchers could not connect within 30 s\n");
            report.watcherProblems().forEach(p -> b.append("  watcher: ").append(p).append('\n'));
            b.append("result: FAILURE (watchers not ready)\n");
            return b.toString();
        }
        SubmissionResult s = outcome.submission();
        b.append(String.format("  %s  submission started (agent clock)%n", s.started()));
        Instant at = s.started();
        // The dialogue waited before DATA for the watchers (OneShotProbe): that wait is in no stage.
        Duration held = s.succeeded() ? Duration.between(s.started(), s.accepted()).minus(s.total()) : Duration.ZERO;
        for (Map.Entry<Stage, Duration> e : s.stages().entrySet()) {
            if (e.getKey() == Stage.DATA && held.toMillis() >= 1) {
                at = at.plus(held);
                b.append(String.format("  %s  %-9s %9s  (waiting for the watchers; in no stage)%n", at, "held",
                        millis(held)));
            }
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
        boolean estimated = false;
        for (ProbeFigures.PathFigures f : outcome.paths()) {
            Arrival a = f.arrival();
            if (a != null && f.watch().path() == AccessPath.SINK) {
                sink(b, a, f);
            } else if (a != null) {
                b.append(String.format("  %s  seen by %s in %s: delay %s (agent clock)%n", a.seenAt(),
                        f.watch().path().label(), f.watch().mailbox(), delay(f)));
                if (f.folder() != null || a.junk()) {
                    b.append(String.format("      folder: %s%s%n", a.folder(), !a.junk() ? ""
                            : f.junk() ? " (Junk: NOT delivered to the user's view, counted like lost)"
                            : " (Junk: counted as delivered, junk_counts_as_delivered)"));
                }
                if (a.serverTime() != null) {
                    b.append(String.format("      server's own stamp (INTERNALDATE, server clock): %s%n", a.serverTime()));
                }
                a.evidence().forEach((k, v) -> b.append(String.format("      %s: %s%n", k, v)));
                hops(b, a);
                if (outcome.estimate() != null && !estimated) {
                    estimated = true;
                    estimate(b, outcome.estimate(), outcome.estimatedDelay());
                }
            } else if (s.succeeded()) {
                b.append(String.format("  %-30s  LOST on %s in %s: not seen within %s%n", "",
                        f.watch().path().label(), f.watch().mailbox(), report.route().timeout()));
            }
        }
        report.watcherProblems().forEach(p -> b.append("  watcher problem: ").append(p).append('\n'));
        report.cleanupProblems().forEach(p -> b.append("  not deleted: ").append(p).append('\n'));
        b.append("result: ").append(ProbeReportFormat.succeeded(report) ? "SUCCESS" : "FAILURE (" + outcome.reason().label() + ")")
                .append('\n');
        return b.toString();
    }

    /** The sink's view: when the provider connected, began delivering, and finished. */
    private static void sink(StringBuilder b, Arrival a, ProbeFigures.PathFigures f) {
        Map<String, String> ev = a.evidence();
        String connected = ev.get("sink_connected_at");
        if (connected != null) {
            b.append(String.format("  %s  provider connected to the sink from %s (HELO %s, TLS %s) (agent clock)%n",
                    connected, ev.get("sink_peer"), ev.get("sink_helo"), ev.get("sink_tls")));
        }
        b.append(String.format("  %s  provider said MAIL FROM at the sink: send delay %s (agent clock)%n", a.seenAt(),
                delay(f)));
        String data = ev.get("sink_data_completed_at");
        if (data != null) {
            b.append(String.format("  %s  message complete at the sink (end of DATA) (agent clock)%n", data));
        }
        if (ev.containsKey("sink_clock_offset_ms")) {
            b.append(String.format("      remote sink: its clock minus ours %s ms, converted to ours within %s ms%n",
                    ev.get("sink_clock_offset_ms"), ev.get("sink_clock_uncertainty_ms")));
        }
        hops(b, a);
    }

    /** The Received chain, oldest hop first, with each server's stamp and the hop's delay. */
    private static void hops(StringBuilder b, Arrival a) {
        ReceivedChain chain = ReceivedChain.parse(a.received());
        if (chain.hops().isEmpty()) {
            return;
        }
        b.append("      Received chain, oldest first (server clocks, evidence only):\n");
        java.util.List<Duration> delays = chain.hopDelays();
        for (int i = 0; i < chain.hops().size(); i++) {
            ReceivedHop h = chain.hops().get(i);
            Duration d = delays.get(i);
            b.append(String.format("        %d. by %s from %s with %s at %s%s%n", i + 1, dash(h.by()), dash(h.from()),
                    dash(h.with()), h.timestamp() == null ? "(no date)" : h.timestamp(),
                    d == null ? "" : " (+" + seconds(d) + ")"));
        }
    }

    /** The path's delay, or where it was seen before the 250 was read, 0 and that order. */
    private static String delay(ProbeFigures.PathFigures f) {
        return f.belowResolution() ? seconds(f.delay()) + " (below resolution: seen " + seconds(f.seenBeforeAccepted())
                + " before our client read the 250)" : seconds(f.delay());
    }

    private static void estimate(StringBuilder b, SendDelayEstimate.Result r, @Nullable Duration delay) {
        if (r.estimate().isEmpty()) {
            b.append("      send delay estimate: none (").append(r.reason()).append(")\n");
            return;
        }
        SendDelayEstimate e = r.estimate().get();
        b.append(String.format("      send delay ESTIMATE from Received headers: %s (server clocks, +-1 s); %s%n",
                seconds(delay), e.note()));
        if (e.providerSkew() != null) {
            b.append(String.format("      provider's first stamp minus our accepted time: %s (clock skew, evidence)%n",
                    seconds(e.providerSkew())));
        }
    }

    private static String dash(@Nullable String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private static String millis(Duration d) {
        return String.format("%.1f ms", d.toNanos() / 1e6);
    }

    private static String seconds(@Nullable Duration d) {
        if (d == null) {
            return "-";
        }
        return String.format("%.3f s", d.toNanos() / 1e9);
    }
}
