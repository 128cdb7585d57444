package org.mailprobe.agent.runtime;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.MailboxKey;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.SinkConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.submit.HoldBeforeData;
import org.mailprobe.probes.submit.SubmissionResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one probe of a route: hand it to the provider (submission, or direct to the MX for a
 * receive route) and let the watchers of its mailbox, or the sink, report when it is seen.
 */
public final class RouteRunner {
    /** A hand-over that takes longer than this is a failed probe, whatever the route's timeout. */
    static final Duration SUBMISSION_DEADLINE = Duration.ofMinutes(2);

    private static final Logger logger = LoggerFactory.getLogger(RouteRunner.class);

    private final String agentId;
    private final RouteConfig route;
    private final ProbeSender sender;
    private final InFlightProbes inFlight;
    private final @Nullable AgentMetrics metrics;
    private final Set<MailboxKey> watches;
    private final String smtpServer;
    /** Only "now", for the token's send time and the hand-over's deadline: the probe dates the stages. */
    private final InstantSource clock;
    /**
     * Starts at the wall clock's milliseconds so that sequence numbers stay unique across restarts
     * (a probe from before a restart is then never mistaken for a new one).
     */
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis());

    /** @param metrics where the SMTP stages are counted; null for a one-shot probe */
    public RouteRunner(String agentId, RouteConfig route, ProbeSender sender, @Nullable SinkConfig sink, InFlightProbes inFlight,
            @Nullable AgentMetrics metrics, InstantSource clock) {
        this.clock = clock;
        this.agentId = agentId;
        this.route = route;
        this.sender = sender;
        this.inFlight = inFlight;
        this.metrics = metrics;
        this.watches = watchKeys(route, sink);
        this.smtpServer = smtpServer(route);
    }

    /**
     * The SMTP server a route hands its probes to, by its name under {@code servers:}: the
     * submission server, or a receive route's {@code via}; a receive route that looks up the MX is
     * {@code mx:} and the recipient's domain. The label of the SMTP stage timings.
     */
    public static String smtpServer(RouteConfig route) {
        if (route.submitVia() != null) {
            return route.submitVia().name();
        }
        if (route.direct() != null && route.direct().via() != null) {
            return route.direct().via().name();
        }
        String recipient = route.recipient();
        return "mx:" + recipient.substring(recipient.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    /** Where the route's probes are expected: its watched mailboxes, or the sink. */
    public static Set<MailboxKey> watchKeys(RouteConfig route, @Nullable SinkConfig sink) {
        Set<MailboxKey> keys = new LinkedHashSet<>();
        if (route.toSink()) {
            if (sink == null) {
                throw new IllegalArgumentException("route " + route.name() + " sends to the sink, but none is configured");
            }
            keys.add(new MailboxKey(AccessPath.SINK, sink.mailboxName()));
        }
        for (WatchConfig w : route.watches()) {
            keys.add(w.mailboxKey());
        }
        return keys;
    }

    public RouteConfig route() {
        return route;
    }

    public String leg() {
        return route.leg().label();
    }

    /** Sends one probe; returns when the provider has accepted or refused it. */
    public SubmissionResult probeOnce() {
        return probeOnce(HoldBeforeData.NONE);
    }

    /**
     * As {@link #probeOnce()}, the dialogue held before DATA by {@code hold} (a one-shot probe's
     * watchers still connecting). The token is made, and the probe expected, when the dialogue
     * starts; every delay starts at the server's 250 after DATA, after the hold.
     */
    public SubmissionResult probeOnce(HoldBeforeData hold) {
        Instant now = clock.instant();
        ProbeToken token = new ProbeToken(agentId, route.name(), sequence.incrementAndGet(), now);
        inFlight.expect(token.key(), route.name(), leg(), watches, route.timeout());
        Instant deadline = now.plus(min(SUBMISSION_DEADLINE, route.timeout()));
        SubmissionResult result = sender.send(route.sender(), route.recipient(), token, deadline, hold);
        if (metrics != null) {
            for (Map.Entry<Stage, Duration> stage : result.stages().entrySet()) {
                metrics.recordSmtpStage(smtpServer, stage.getKey(), stage.getValue());
            }
        }
        if (result.succeeded()) {
            logger.debug("Probe handed over. route={} leg={} seq={} took={}ms", route.name(), leg(), token.sequence(),
                    result.total().toMillis());
        } else {
            logger.warn("Probe hand-over failed. route={} leg={} seq={} reason={} stage={} detail=\"{}\"", route.name(),
                    leg(), token.sequence(), result.reason().label(),
                    result.failedStage() == null ? "" : result.failedStage().label(), result.detail());
        }
        inFlight.submitted(token.key(), result);
        return result;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
