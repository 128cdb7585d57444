package org.mailprobe.agent.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.submit.SubmissionResult;
import org.mailprobe.probes.watch.Pop3ArrivalWatcher;

/**
 * One probe by hand: start the route's watchers and, at the same time, the submission, whose
 * dialogue waits before DATA until every watcher is connected (so the arrival time is not the time
 * it took us to log in, and the log-ins overlap); then wait until the probe is seen on every path
 * and deleted, or lost. No scheduler, no metrics registry, no HTTP server: a process that prints
 * one result and exits needs none (OneShotProbeClassesTest keeps them out).
 */
public final class OneShotProbe {
    /** How long the watchers get to connect before the probe is given up as not measurable. */
    static final Duration WATCHERS_READY = Duration.ofSeconds(30);
    /** How long, beyond the longest poll interval, a measured probe's deletion is waited for. */
    static final Duration CLEANUP = Duration.ofSeconds(3);
    /**
     * How often the held submission looks whether the watchers are ready: the submission's log-in
     * usually ends first, and each look's lateness is added to the probe's run time, not to a figure.
     */
    static final Duration READY_LOOK = Duration.ofMillis(5);
    /**
     * The longest a one-shot probe's POP3, webmail (and IMAP-without-IDLE) watcher waits between
     * looks: a person waits for the answer, and the probe is on its way the whole time the watchers
     * run. A shorter configured interval is kept.
     */
    static final Duration QUICK_POLL = Duration.ofMillis(250);

    /**
     * What happened, including watcher failures seen along the way.
     *
     * @param cleanupProblems why the measured probe (or another of ours) was left in a mailbox; empty
     *     when every deleting watcher expunged what it measured
     */
    public record Report(RouteConfig route, @Nullable ProbeFigures outcome, List<String> watcherProblems,
            List<String> cleanupProblems) {
        public Report(RouteConfig route, @Nullable ProbeFigures outcome, List<String> watcherProblems) {
            this(route, outcome, watcherProblems, List.of());
        }
    }

    private OneShotProbe() {}

    public static Report run(AgentConfig config, RouteConfig route) throws InterruptedException {
        return run(config, route, UnaryOperator.identity());
    }

    /**
     * As {@link #run(AgentConfig, RouteConfig)}, with the route's sender wrapped by {@code senderSeam}:
     * a test seam, e.g. to make our read of the server's 250 late.
     */
    public static Report run(AgentConfig config, RouteConfig configured, UnaryOperator<ProbeSender> senderSeam)
            throws InterruptedException {
        RouteConfig route = quickPolls(configured);
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        List<String> cleanup = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<ProbeFigures> finished = new CompletableFuture<>();
        InFlightProbes inFlight = new InFlightProbes(config.agent().id(), null, finished::complete);
        inFlight.routes(List.of(route));
        org.mailprobe.probes.ArrivalListener listener = new org.mailprobe.probes.ArrivalListener() {
            @Override
            public boolean onArrival(org.mailprobe.probes.Arrival arrival) {
                return inFlight.onArrival(arrival);
            }

            @Override
            public boolean mayDeleteNow(org.mailprobe.probes.ProbeToken token, AccessPath path, String mailbox) {
                return inFlight.mayDeleteNow(token, path, mailbox);
            }

            @Override
            public void onWatchFailure(AccessPath path, String mailbox, Reason reason) {
                problems.add(path.label() + " " + mailbox + ": " + reason.label());
            }

            @Override
            public void onCleanupFailure(AccessPath path, String mailbox, org.mailprobe.probes.ProbeToken token,
                    String why) {
                cleanup.add(path.label() + " " + mailbox + ": probe " + token.key() + " left in the mailbox: " + why);
            }
        };
        try (Watchers watchers = new Watchers(List.of(route), config.agent().id(), config.agent().hostname(),
                config.agent().signer(), listener, null);
                AgentSink sink = route.toSink()
                        ? new AgentSink(Objects.requireNonNull(config.sink(), "a route to the sink has one"),
                                config.agent().signer(), listener, null)
                        : null) {
            inFlight.expectationsTo(watchers::get);
            for (ArrivalWatcher w : watchers.all()) {
                if (w instanceof Pop3ArrivalWatcher pop3) {
                    pop3.skipMailPresentAtStart(); // the probe is sent after its first listing: see there
                }
            }
            Duration readyWithin = min(WATCHERS_READY, route.timeout());
            Instant readyBy = Instant.now().plus(readyWithin);
            watchers.start();
            if (sink != null) {
                sink.start();
            }
            RouteRunner runner = new RouteRunner(config.agent().id(), route,
                    senderSeam.apply(ProbeSenders.forRoute(route, config.agent().hostname(), config.agent().signer())),
                    config.sink(), inFlight, null);
            AtomicBoolean givenUp = new AtomicBoolean();
            SubmissionResult submitted = runner.probeOnce(until -> {
                boolean ready = awaitHealthy(watchers, sink, until.isBefore(readyBy) ? until : readyBy);
                givenUp.set(!ready);
                return ready;
            });
            if (givenUp.get()) {
                // Held before DATA until the watchers were given up: the probe was not sent.
                for (ArrivalWatcher w : watchers.all()) {
                    String which = w.path().label() + " " + w.mailbox() + ": ";
                    // A server that never answers may leave no failure behind: say which watcher it was.
                    if (!w.healthy() && problems.stream().noneMatch(p -> p.startsWith(which))) {
                        problems.add(which + "not connected within " + readyWithin.toSeconds() + " s ("
                                + Reason.TIMEOUT.label() + ")");
                    }
                }
                return new Report(route, null, List.copyOf(problems));
            }
            if (!submitted.succeeded()) {
                // Refused before DATA, maybe before any watcher had its answer: a by-hand probe must
                // still say why each watcher could not connect (the same TLS mistake, often).
                awaitSettled(watchers, sink, problems, readyBy);
            }
            return awaitFinished(finished, inFlight, route, submitted, watchers, problems, cleanup);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the probe's outcome could not be read", e);
        }
    }

    /** Waits until the probe is seen on every path (or lost) and its deletion is done. */
    private static Report awaitFinished(CompletableFuture<ProbeFigures> finished, InFlightProbes inFlight,
            RouteConfig route, SubmissionResult submitted, Watchers watchers, List<String> problems,
            List<String> cleanup) throws InterruptedException, ExecutionException {
        Instant giveUp = submitted.succeeded()
                ? Objects.requireNonNull(submitted.accepted(), "accepted").plus(route.timeout()) : Instant.now();
        while (!finished.isDone()) {
            inFlight.sweep(ProbeClock.system().now());
            try {
                finished.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillWaiting) {
                if (ProbeClock.system().now().isAfter(giveUp.plusSeconds(5))) {
                    break; // cannot happen unless the sweep is broken; never hang a by-hand probe
                }
            }
        }
        int left = awaitCleanup(watchers, route);
        if (left > 0) {
            cleanup.add(left + " measured probe(s) not yet deleted when the probe ended; they stay in the mailbox");
        }
        return new Report(route, finished.getNow(null), List.copyOf(problems), List.copyOf(cleanup));
    }

    /**
     * Gives the deleting watcher its chance to remove the measured probe before the process
     * exits: it may have seen the probe before another path and kept it (only one path deletes), or
     * be between its UID STORE and its UID EXPUNGE. Returns how many are still not deleted.
     */
    private static int awaitCleanup(Watchers watchers, RouteConfig route) throws InterruptedException {
        Duration longestPoll = Duration.ZERO;
        for (WatchConfig w : route.watches()) {
            longestPoll = w.pollInterval().compareTo(longestPoll) > 0 ? w.pollInterval() : longestPoll;
        }
        Instant until = Instant.now().plus(CLEANUP).plus(longestPoll);
        int kept;
        do {
            kept = 0;
            for (ArrivalWatcher w : watchers.all()) {
                w.deleteKeptSoon();
                kept += w.keptForDeletion();
            }
            if (kept == 0) {
                return 0;
            }
            Thread.sleep(50);
        } while (Instant.now().isBefore(until));
        return kept;
    }

    /** Whether every watcher (and the sink) is ready by {@code until}; looks every {@link #READY_LOOK}. */
    private static boolean awaitHealthy(Watchers watchers, AgentSink sink, Instant until)
            throws InterruptedException {
        while (true) {
            if (allHealthy(watchers, sink)) {
                return true;
            }
            if (!Instant.now().isBefore(until)) {
                return false;
            }
            Thread.sleep(READY_LOOK.toMillis());
        }
    }

    /**
     * Waits until every watcher (and the sink) is connected or has reported a failure, at most
     * until {@code until}; looks every {@link #READY_LOOK}.
     */
    private static void awaitSettled(Watchers watchers, @Nullable AgentSink sink, List<String> problems, Instant until)
            throws InterruptedException {
        while (Instant.now().isBefore(until) && !allSettled(watchers, sink, problems)) {
            Thread.sleep(READY_LOOK.toMillis());
        }
    }

    private static boolean allSettled(Watchers watchers, @Nullable AgentSink sink, List<String> problems) {
        if (sink != null && !sink.healthy()) {
            return false;
        }
        for (ArrivalWatcher w : watchers.all()) {
            String which = w.path().label() + " " + w.mailbox() + ": ";
            boolean failed;
            synchronized (problems) {
                failed = problems.stream().anyMatch(p -> p.startsWith(which));
            }
            if (!w.healthy() && !failed) {
                return false;
            }
        }
        return true;
    }

    private static boolean allHealthy(Watchers watchers, AgentSink sink) {
        boolean all = sink == null || sink.healthy();
        for (ArrivalWatcher w : watchers.all()) {
            all &= w.healthy();
        }
        return all;
    }

    /** The route with every watch polling at most every {@link #QUICK_POLL}. */
    static RouteConfig quickPolls(RouteConfig route) {
        List<WatchConfig> quick = new ArrayList<>();
        for (WatchConfig w : route.watches()) {
            quick.add(new WatchConfig(w.path(), w.server(), w.account(), w.folder(), min(w.pollInterval(), QUICK_POLL),
                    w.idle(), w.deleteProbes()));
        }
        return route.withWatches(quick);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
