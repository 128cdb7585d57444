package org.mailprobe.agent.metrics;

import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Stage;

/**
 * The metrics of an agent of many routes, populated as it would be after probes on every path and
 * with every reason: the worst case of the exposition's size (issue 13). Routes cycle through the
 * kinds and paths (loop on IMAP, POP3 and webmail, send to the sink or to a mailbox with a
 * Received-header estimate, receive), one mailbox each; every route has succeeded, failed with
 * every reason a probe can end with, lost a message and seen a late one on each of its paths, and
 * every watcher has failed with every reason; ten endpoints, three services and two controls are
 * checked.
 */
public final class RouteScaleMetrics {
    /** The reasons a probe can end with (the others occur only in checks and webmail logins). */
    static final EnumSet<Reason> PROBE_OUTCOMES = EnumSet.complementOf(
            EnumSet.of(Reason.GREETING, Reason.HTTP_STATUS, Reason.LOGIN, Reason.SESSION, Reason.SEARCH));
    private static final List<Stage> SMTP_STAGES = List.of(Stage.DNS, Stage.CONNECT, Stage.TLS, Stage.GREETING,
            Stage.EHLO, Stage.STARTTLS, Stage.AUTH, Stage.ENVELOPE, Stage.DATA);

    /** Held for ever, as the agent's ledger holds its own. */
    private static final StateTime STATE_TIME = new FixedStateTime();

    private final PrometheusMeterRegistry registry;
    // Held, as the agent holds it: the registry's gauges keep only weak references to its values.
    private final AgentMetrics metrics;

    /** A registry tagged as the agent's is ({@code agent}, {@code site}), populated for {@code routes}. */
    public RouteScaleMetrics(int routes) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags(Tags.of("agent", "agent-hq-01", "site", "hq"));
        metrics = new AgentMetrics(registry, "0.1.0");
        populate(metrics, routes);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public AgentMetrics metrics() {
        return metrics;
    }

    static void populate(AgentMetrics metrics, int routes) {
        Instant now = Instant.ofEpochSecond(1_764_000_000L);
        for (int i = 0; i < routes; i++) {
            Route r = route(i);
            metrics.registerRoute(r.name, r.leg, r.paths);
            metrics.registerSmtpServer(r.server);
            if (r.estimate) {
                metrics.registerEstimate(r.name, r.leg);
                metrics.recordEstimatedDelay(r.name, r.leg, Duration.ofMillis(2_000 + i));
            }
            for (Stage stage : SMTP_STAGES) {
                metrics.recordSmtpStage(r.server, stage, Duration.ofMillis(3 + i % 40));
            }
            for (Reason reason : PROBE_OUTCOMES) {
                metrics.recordProbe(r.name, reason, now);
            }
            metrics.setInFlight(r.name, i % 3);
            for (AccessPath path : r.paths) {
                metrics.recordDelay(r.name, path, r.leg, Duration.ofMillis(150 + 37L * i));
                metrics.recordLost(r.name, path);
                metrics.recordLate(r.name, path, r.leg);
                if (path != AccessPath.SINK) {
                    String mailbox = String.format(Locale.ROOT, "probe%04d@example.com@%s.example.com:%d/INBOX", i,
                            path.label(), path == AccessPath.WEBMAIL ? 443 : 993);
                    metrics.registerWatcher(path, mailbox);
                    metrics.setWatcherUp(path, mailbox, true);
                    for (Reason reason : Reason.values()) {
                        if (reason != Reason.NONE && reason != Reason.LOST) {
                            metrics.recordWatcherFailure(path, mailbox, reason);
                        }
                    }
                }
            }
            metrics.recordUnjournaled(r.name);
        }
        metrics.registerReachability();
        for (int e = 0; e < 10; e++) {
            String endpoint = "endpoint-" + e;
            metrics.registerEndpoint(endpoint, "smtp", SMTP_STAGES, STATE_TIME);
            for (Reason reason : Reason.values()) {
                if (reason != Reason.LOST && reason != Reason.REJECTED) {
                    metrics.recordCheck(endpoint, reason, now.plus(Duration.ofDays(60)));
                }
            }
            for (Stage stage : SMTP_STAGES) {
                metrics.recordReachabilityStage(endpoint, stage, Duration.ofMillis(4));
            }
        }
        for (String service : List.of("submission", "imap", "webmail")) {
            metrics.registerService(service, STATE_TIME);
        }
        metrics.registerControl("gateway");
        metrics.registerControl("public-dns");
        metrics.registerSink(List.of("foreign_domain", "not_probe", "forged_token", "replay", "stale", "too_large",
                "too_many_connections", "too_many_from_source", "tls_required", "timeout"));
    }

    private record Route(String name, String leg, List<AccessPath> paths, String server, boolean estimate) {}

    private static Route route(int i) {
        String number = String.format(Locale.ROOT, "%04d", i);
        switch (i % 5) {
            case 0:
                return new Route("loop-" + number, "loop", List.of(AccessPath.IMAP), "submission", false);
            case 1:
                return new Route("loop-" + number, "loop", List.of(AccessPath.POP3), "submission", false);
            case 2:
                return new Route("loop-" + number, "loop", List.of(AccessPath.WEBMAIL), "submission", false);
            case 3:
                return i % 10 == 3
                        ? new Route("send-" + number, "send", List.of(AccessPath.SINK), "submission", false)
                        : new Route("send-" + number, "send", List.of(AccessPath.IMAP), "submission", true);
            default:
                return new Route("receive-" + number, "receive", List.of(AccessPath.IMAP), "mx:example.com", false);
        }
    }

    private static final class FixedStateTime implements StateTime {
        @Override
        public double seconds(String state) {
            return "up".equals(state) ? 86_400 : 12;
        }

        @Override
        public String current() {
            return "up";
        }
    }
}
