package org.mailprobe.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.runtime.OneShotProbe;
import org.mailprobe.agent.runtime.ProbeFigures;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.submit.SubmissionResult;

/** How the {@code probe} command prints its report, and the exit code that goes with it. */
enum ProbeReportFormat {
    TEXT {
        @Override
        int print(OneShotProbe.Report report, AgentConfig config, Duration warn, Duration crit, PrintWriter out) {
            out.print(TextTimeline.render(report));
            return succeeded(report) ? ExitCodes.OK : ExitCodes.FAILURE;
        }
    },
    JSON {
        @Override
        int print(OneShotProbe.Report report, AgentConfig config, Duration warn, Duration crit, PrintWriter out) {
            try {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(json(report, config)));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("the report could not be written as JSON", e);
            }
            return succeeded(report) ? ExitCodes.OK : ExitCodes.FAILURE;
        }
    },
    NAGIOS {
        @Override
        int print(OneShotProbe.Report report, AgentConfig config, Duration warn, Duration crit, PrintWriter out) {
            return NagiosLine.print(report, warn, crit, out);
        }
    };

    abstract int print(OneShotProbe.Report report, AgentConfig config, Duration warn, Duration crit, PrintWriter out);

    static ProbeReportFormat parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--output: '" + text + "' is not one of text, json, nagios");
        }
    }

    static boolean succeeded(OneShotProbe.Report report) {
        return report.outcome() != null && report.outcome().reason() == Reason.NONE;
    }

    static Map<String, Object> json(OneShotProbe.Report report, AgentConfig config) {
        Map<String, Object> root = new LinkedHashMap<>();
        ProbeFigures outcome = report.outcome();
        root.put("agent", config.agent().id());
        root.put("route", report.route().name());
        root.put("leg", report.route().leg().label());
        root.put("result", succeeded(report) ? "success" : "failure");
        root.put("reason", outcome == null ? "watchers_not_ready" : outcome.reason().label());
        if (outcome != null && outcome.submission() != null) {
            SubmissionResult s = outcome.submission();
            Map<String, Object> sub = new LinkedHashMap<>();
            RouteConfig route = report.route();
            sub.put("server", route.submitVia() != null ? route.submitVia().endpoint().toString()
                    : route.direct() != null && route.direct().via() != null ? route.direct().via().endpoint().toString()
                    : null);
            sub.put("hand_over", route.handOver());
            sub.put("sequence", s.token().sequence());
            sub.put("started", s.started().toString());
            sub.put("accepted", s.accepted() == null ? null : s.accepted().toString());
            sub.put("reason", s.reason().label());
            sub.put("failed_stage", s.failedStage() == null ? null : s.failedStage().label());
            Map<String, Double> stages = new LinkedHashMap<>();
            for (Map.Entry<Stage, Duration> e : s.stages().entrySet()) {
                stages.put(e.getKey().label(), seconds(e.getValue()));
            }
            sub.put("stages_seconds", stages);
            sub.put("last_reply", s.lastReply());
            sub.put("detail", s.detail());
            root.put("submission", sub);
            List<Map<String, Object>> paths = new ArrayList<>();
            for (ProbeFigures.PathFigures f : outcome.paths()) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("path", f.watch().path().label());
                p.put("mailbox", f.watch().mailbox());
                Arrival a = f.arrival();
                p.put("seen", a == null ? null : a.seenAt().toString());
                Duration d = f.delay();
                p.put("delay_seconds", d == null ? null : seconds(d));
                if (f.belowResolution()) {
                    p.put("order", "seen before the server's 250 was read: delay below resolution");
                    p.put("seen_before_accepted_seconds", seconds(Objects.requireNonNull(f.seenBeforeAccepted())));
                }
                p.put("server_time", a == null || a.serverTime() == null ? null : a.serverTime().toString());
                p.put("received", a == null ? List.of() : a.received());
                p.put("evidence", a == null ? Map.of() : a.evidence());
                // A probe only in Junk is not delivered to its user (issue 14): "junk", like lost.
                p.put("result", f.junk() ? "junk" : a != null ? "seen" : s.succeeded() ? "lost" : "not_sent");
                if (a != null) {
                    p.put("folder", a.folder());
                    p.put("junk_folder", a.junk());
                }
                paths.add(p);
            }
            root.put("paths", paths);
        }
        root.put("watcher_problems", report.watcherProblems());
        root.put("cleanup_problems", report.cleanupProblems());
        return root;
    }

    static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
