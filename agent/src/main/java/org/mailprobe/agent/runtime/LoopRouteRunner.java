package org.mailprobe.agent.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.SubmissionProbe;
import org.mailprobe.probes.SubmissionResult;
import org.mailprobe.probes.SubmissionSettings;
import org.mailprobe.probes.TokenSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one probe of a {@code loop} route: submit through the provider to the route's mailbox and
 * let the watchers of that mailbox report when it is seen.
 */
public final class LoopRouteRunner {
    public static final String LEG = "loop";
    /** A submission that takes longer than this is a failed probe, whatever the route's timeout. */
    static final Duration SUBMISSION_DEADLINE = Duration.ofMinutes(2);

    private static final Logger logger = LoggerFactory.getLogger(LoopRouteRunner.class);

    private final String agentId;
    private final RouteConfig route;
    private final SubmissionProbe submission;
    private final InFlightProbes inFlight;
    private final AgentMetrics metrics;
    private final Set<WatchKey> watches;
    /**
     * Starts at the wall clock's milliseconds so that sequence numbers stay unique across restarts
     * (a probe from before a restart is then never mistaken for a new one).
     */
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis());

    public LoopRouteRunner(String agentId, String localHost, TokenSigner signer, RouteConfig route,
            InFlightProbes inFlight, AgentMetrics metrics) {
        this.agentId = agentId;
        this.route = route;
        this.inFlight = inFlight;
        this.metrics = metrics;
        this.submission = new SubmissionProbe(new SubmissionSettings(route.submitVia().endpoint(),
                route.from().login(), route.submitVia().tls(), route.submitVia().timeouts(), localHost), signer);
        this.watches = watchKeys(route);
    }

    public static Set<WatchKey> watchKeys(RouteConfig route) {
        Set<WatchKey> keys = new LinkedHashSet<>();
        for (WatchConfig w : route.watches()) {
            keys.add(new WatchKey(w.path(), Watchers.mailboxName(w)));
        }
        return keys;
    }

    public RouteConfig route() {
        return route;
    }

    /** Submits one probe; returns when the provider has accepted or refused it. */
    public SubmissionResult probeOnce() {
        Instant now = ProbeClock.system().now();
        ProbeToken token = new ProbeToken(agentId, route.name(), sequence.incrementAndGet(), now);
        inFlight.expect(token.key(), route.name(), LEG, watches, route.timeout());
        Instant deadline = now.plus(min(SUBMISSION_DEADLINE, route.timeout()));
        SubmissionResult result = submission.submit(route.from().address(), route.to().address(), token, deadline);
        for (Map.Entry<Stage, Duration> stage : result.stages().entrySet()) {
            metrics.recordSmtpStage(route.name(), stage.getKey(), stage.getValue());
        }
        if (result.succeeded()) {
            logger.debug("Probe submitted. route={} seq={} took={}ms", route.name(), token.sequence(),
                    result.total().toMillis());
        } else {
            logger.warn("Probe submission failed. route={} seq={} reason={} stage={} detail=\"{}\"", route.name(),
                    token.sequence(), result.reason().label(),
                    result.failedStage() == null ? "" : result.failedStage().label(), result.detail());
        }
        inFlight.submitted(token.key(), result);
        return result;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
