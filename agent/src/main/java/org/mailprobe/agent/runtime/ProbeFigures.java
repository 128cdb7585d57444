package org.mailprobe.agent.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.MailboxKey;
import org.mailprobe.agent.config.Defaults;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.received.ReceivedChain;
import org.mailprobe.probes.received.SendDelayEstimate;
import org.mailprobe.probes.submit.SubmissionResult;

/**
 * Every figure of one finished probe, computed once ({@link #of}) and then written as it is: to the
 * journal first, to the metrics after, to the log and the {@code probe} command's outputs. Nothing
 * downstream computes a delay, a leg or an estimate again, so the journal and Prometheus cannot
 * disagree by code (issue 12).
 *
 * @param outcome the submission and the raw sightings it was computed from
 * @param fromAccount the account that submitted (clause 1 books a failed submission to it); null
 *     for a receive route (the agent itself is the sender) or an unknown route
 * @param toAccount the account whose mailbox receives (clause 1 books a message not seen to it);
 *     null for a send route to the sink or an unknown route
 * @param recipient the envelope recipient; null for an unknown route
 * @param routeKnown whether the route was configured (a route is only unknown in tests)
 * @param paths per watched path, in the route's watch order
 * @param estimate the send delay estimated from Received headers, for a send route to an external
 *     mailbox whose probe was accepted and seen; null otherwise
 * @param resumed whether the probe was sent before a restart and finished after it
 */
public record ProbeFigures(ProbeOutcome outcome, @Nullable String fromAccount, @Nullable String toAccount, @Nullable String recipient,
        boolean routeKnown, List<PathFigures> paths, SendDelayEstimate.@Nullable Result estimate, boolean resumed) {
    public ProbeFigures {
        paths = List.copyOf(paths);
    }

    /**
     * One watched path of a probe.
     *
     * @param watch the path and mailbox
     * @param leg the leg of this path's delay: the route's, except a send route's external mailbox,
     *     which measures a loop ({@link RouteConfig#pathLeg()})
     * @param arrival the sighting, or null if it was not seen
     * @param lost true if the probe was accepted and not seen on this path by its deadline
     * @param delay arrived minus accepted in whole milliseconds, never negative ({@link Arrival#arrivedAt}: the
     *     sighting, or for a probe first seen on a reconnect the instant it is dated with); null if not
     *     seen or never accepted
     * @param seenBeforeAccepted how long before our client read the server's 250 the watcher saw the
     *     message, when it did (the delay is then 0, "below resolution"); null otherwise. The
     *     arrival's own evidence (e.g. a first sighting on a reconnect) travels in {@link #arrival}.
     * @param folder the folder it was seen in as a metric label ({@link WatchConfig#folderLabel}), for
     *     a watch of several folders or a sighting in Junk; null otherwise (the mailbox names it)
     * @param junk seen only in a Junk folder where the watch does not count that as delivered: then
     *     also {@code lost} (issue 14: for its user it did not arrive), its delay kept as evidence
     */
    public record PathFigures(MailboxKey watch, String leg, @Nullable Arrival arrival, boolean lost,
            @Nullable Duration delay,
            @Nullable Duration seenBeforeAccepted, @Nullable String folder, boolean junk) {
        /** A path with no folder to tell. */
        public PathFigures(MailboxKey watch, String leg, @Nullable Arrival arrival, boolean lost,
                @Nullable Duration delay, @Nullable Duration seenBeforeAccepted) {
            this(watch, leg, arrival, lost, delay, seenBeforeAccepted, null, false);
        }

        public boolean belowResolution() {
            return seenBeforeAccepted != null;
        }

        /** Seen, and counted as delivered: its delay is a clause-4 figure. */
        public boolean delivered() {
            return arrival != null && !junk;
        }
    }

    /** Computes the figures of {@code outcome}; {@code route} may be null (not configured). */
    public static ProbeFigures of(ProbeOutcome outcome, @Nullable RouteConfig route, boolean resumed) {
        SubmissionResult s = outcome.submission();
        Instant accepted = s.accepted();
        String pathLeg = route == null ? outcome.leg() : route.pathLeg().label();
        List<PathFigures> paths = new ArrayList<>();
        for (Map.Entry<MailboxKey, Arrival> e : outcome.arrivals().entrySet()) {
            // A mark of "seen on a reconnect" holds only for a probe accepted before the watcher was back.
            Arrival a = e.getValue() == null ? null : e.getValue().forAccepted(accepted);
            Duration delay = null;
            Duration early = null;
            if (a != null && accepted != null) {
                Duration raw = Duration.between(accepted, a.arrivedAt(accepted));
                // Seen before we read the 250: the order is known, the delay below what we can resolve.
                // Whole milliseconds, the journal's unit, so the metrics' sums equal the journal's.
                delay = raw.isNegative() ? Duration.ZERO : Duration.ofMillis(raw.toMillis());
                early = raw.isNegative() ? Duration.ofMillis(raw.negated().toMillis()) : null;
            }
            WatchConfig watch = route == null ? null : watchOf(route, e.getKey());
            String folder = null;
            boolean junk = false;
            if (a != null && watch != null && (watch.severalFolders() || a.junk())) {
                folder = watch.folderLabel(a.folder(), a.junk());
            }
            if (a != null && accepted != null && a.junk()
                    && (watch == null ? !Defaults.JUNK_COUNTS_AS_DELIVERED : !watch.junkCountsAsDelivered())) {
                junk = true;
            }
            paths.add(new PathFigures(e.getKey(), pathLeg, a, (a == null || junk) && accepted != null, delay, early,
                    folder, junk));
        }
        SendDelayEstimate.Result estimate = null;
        if (route != null && route.estimate() != null && accepted != null) {
            Arrival from = estimateSource(paths);
            if (from != null) {
                estimate = SendDelayEstimate.from(ReceivedChain.parse(from.received()), accepted,
                        route.estimate()::isProviderHost);
            }
        }
        return new ProbeFigures(outcome, route == null || route.from() == null ? null : route.from().name(),
                route == null || route.to() == null ? null : route.to().name(), route == null ? null : route.recipient(),
                route != null, paths, estimate, resumed);
    }

    private static @Nullable WatchConfig watchOf(RouteConfig route, MailboxKey key) {
        for (WatchConfig w : route.watches()) {
            if (w.mailboxKey().equals(key)) {
                return w;
            }
        }
        return null;
    }

    /**
     * The one rule for which sighting the send estimate is read from: the first path in watch order
     * whose copy carries Received headers, else the first path that saw it. Every path sees the same
     * message, so the estimate does not depend on which path happened to see it first (webmail,
     * which shows no headers, used to leave the metric without an estimate the journal had).
     */
    static @Nullable Arrival estimateSource(List<PathFigures> paths) {
        Arrival first = null;
        for (PathFigures p : paths) {
            Arrival a = p.arrival();
            if (a == null) {
                continue;
            }
            if (!a.received().isEmpty()) {
                return a;
            }
            first = first == null ? a : first;
        }
        return first;
    }

    public String route() {
        return outcome.route();
    }

    public String leg() {
        return outcome.leg();
    }

    /**
     * The probe's reason: the outcome's, except that a probe seen everywhere but only in Junk on some
     * path (not counted as delivered there) is {@link Reason#JUNK}, accounted like lost (issue 14).
     */
    public Reason reason() {
        if (outcome.reason() == Reason.NONE && paths.stream().anyMatch(PathFigures::junk)) {
            return Reason.JUNK;
        }
        return outcome.reason();
    }

    public SubmissionResult submission() {
        return outcome.submission();
    }

    /** The estimated send delay, never negative; null if there is none. */
    public @Nullable Duration estimatedDelay() {
        if (estimate == null || estimate.estimate().isEmpty()) {
            return null;
        }
        Duration d = estimate.estimate().get().estimatedDelay();
        return d.isNegative() ? Duration.ZERO : Duration.ofMillis(d.toMillis());
    }

    /** The figures of {@code watch}, or null if the probe was not expected there. */
    public @Nullable PathFigures path(MailboxKey watch) {
        for (PathFigures p : paths) {
            if (p.watch().equals(watch)) {
                return p;
            }
        }
        return null;
    }

    /** The delay on {@code watch} (never negative), or null. */
    public @Nullable Duration delay(MailboxKey watch) {
        PathFigures p = path(watch);
        return p == null ? null : p.delay();
    }
}
