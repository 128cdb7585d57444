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
import org.mailprobe.agent.config.MailboxKey;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
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

    /** @param clock the program's: the probe, its watchers and its sink date on it */
    public static Report run(AgentConfig config, RouteConfig route, ProbeClock clock) throws InterruptedException {
        return run(config, route, UnaryOperator.identity(), clock);
    }

    /**
     * As {@link #run(AgentConfig, RouteConfig, ProbeClock)}, with the route's sender wrapped by {@code senderSeam}:
     * a test seam, e.g. to make our read of the server's 250 late.
     */
    public static Report run(AgentConfig config, RouteConfig configured, UnaryOperator<ProbeSender> senderSeam,
            ProbeClock clock) throws InterruptedException {
        RouteConfig route = quickPolls(configured);
        WatcherProblems problems = new WatcherProblems();
        CompletableFuture<ProbeFigures> finished = new CompletableFuture<>();
        InFlightProbes inFlight = new InFlightProbes(config.agent().id(), null, finished::complete, clock);
        inFlight.routes(List.of(route));
        try (Watchers watchers = Watchers.of(config, List.of(route), inFlight, problems, clock);
                AgentSink sink = route.toSink()
                        ? new AgentSink(Objects.requireNonNull(config.sink(), "a route to the sink has one"),
                                config.agent().signer(), inFlight, null, clock) : null) {
            for (ArrivalWatcher w : watchers.all()) {
                if (w instanceof Pop3ArrivalWatcher pop3) {
                    pop3.skipMailPresentAtStart(); // the probe is sent after its first listing: see there
                }
            }
            Duration readyWithin = min(WATCHERS_READY, route.timeout());
            Instant readyBy = clock.now().plus(readyWithin);
            watchers.start();
            if (sink != null) {
                sink.start();
            }
            RouteRunner runner = new RouteRunner(config.agent().id(), route,
                    senderSeam.apply(ProbeSenders.forRoute(route, config.agent().hostname(), config.agent().signer(),
                            clock)), config.sink(), inFlight, null, clock);
            AtomicBoolean givenUp = new AtomicBoolean();
            SubmissionResult submitted = runner.probeOnce(until -> {
                boolean ready = awaitHealthy(watchers, sink, until.isBefore(readyBy) ? until : readyBy, clock);
                givenUp.set(!ready);
                return ready;
            });
            if (givenUp.get()) {
                // Held before DATA until the watchers were given up: the probe was not sent. A server
                // that never answers may leave no failure behind: say which watcher it was.
                for (MailboxKey w : watchers.unsettled()) {
                    problems.watch.add(w + ": not connected within " + readyWithin.toSeconds() + " s ("
                            + Reason.TIMEOUT.label() + ")");
                }
                return new Report(route, null, List.copyOf(problems.watch));
            }
            if (!submitted.succeeded()) {
                // Refused before DATA, maybe before any watcher had its answer: a by-hand probe must
                // still say why each watcher could not connect (the same TLS mistake, often).
                awaitSettled(watchers, sink, readyBy, clock);
            }
            return awaitFinished(finished, inFlight, route, submitted, watchers, problems, clock);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the probe's outcome could not be read", e);
        }
    }

    /** Waits until the probe is seen on every path (or lost) and its deletion is done. */
    private static Report awaitFinished(CompletableFuture<ProbeFigures> finished, InFlightProbes inFlight,
            RouteConfig route, SubmissionResult submitted, Watchers watchers, WatcherProblems problems, ProbeClock clock)
            throws InterruptedException, ExecutionException {
        Instant giveUp = submitted.succeeded()
                ? Objects.requireNonNull(submitted.accepted(), "accepted").plus(route.timeout()) : clock.now();
        while (!finished.isDone()) {
            inFlight.sweep(clock.now());
            try {
                finished.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillWaiting) {
                if (clock.now().isAfter(giveUp.plusSeconds(5))) {
                    break; // cannot happen unless the sweep is broken; never hang a by-hand probe
                }
            }
        }
        int left = awaitCleanup(watchers, route);
        if (left > 0) {
            problems.cleanup.add(left + " measured probe(s) not yet deleted when the probe ended; they stay in the "
                    + "mailbox");
        }
        return new Report(route, finished.getNow(null), List.copyOf(problems.watch), List.copyOf(problems.cleanup));
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
    private static boolean awaitHealthy(Watchers watchers, AgentSink sink, Instant until, ProbeClock clock)
            throws InterruptedException {
        while (true) {
            if (allHealthy(watchers, sink)) {
                return true;
            }
            if (!clock.now().isBefore(until)) {
                return false;
            }
            Thread.sleep(READY_LOOK.toMillis());
        }
    }

    /**
     * Waits until every watcher has connected or reported a failure ({@link Watchers#settled}) and
     * the sink is up, at most until {@code until}; looks every {@link #READY_LOOK}.
     */
    private static void awaitSettled(Watchers watchers, @Nullable AgentSink sink, Instant until, ProbeClock clock)
            throws InterruptedException {
        while (clock.now().isBefore(until)
                && (watchers.settled() < watchers.size() || (sink != null && !sink.healthy()))) {
            Thread.sleep(READY_LOOK.toMillis());
        }
    }

    private static boolean allHealthy(Watchers watchers, AgentSink sink) {
        return (sink == null || sink.healthy()) && watchers.allHealthy();
    }

    /** What the watchers report, for the by-hand report; no metrics registry (see the class comment). */
    private static final class WatcherProblems implements WatcherEvents {
        final List<String> watch = Collections.synchronizedList(new ArrayList<>());
        final List<String> cleanup = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void failed(MailboxKey w, Reason reason) {
            watch.add(w + ": " + reason.label());
        }

        @Override
        public void cleanupFailed(MailboxKey w, ProbeToken token, String why) {
            cleanup.add(w + ": probe " + token.key() + " left in the mailbox: " + why);
        }
    }

    /** The route with every watch polling at most every {@link #QUICK_POLL}. */
    static RouteConfig quickPolls(RouteConfig route) {
        List<WatchConfig> quick = new ArrayList<>();
        for (WatchConfig w : route.watches()) {
            quick.add(new WatchConfig(w.path(), w.server(), w.account(), w.folder(), min(w.pollInterval(), QUICK_POLL),
                    w.idle(), w.deleteProbes(), w.folders(), w.junkFolders(), w.junkCountsAsDelivered()));
        }
        return route.withWatches(quick);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
