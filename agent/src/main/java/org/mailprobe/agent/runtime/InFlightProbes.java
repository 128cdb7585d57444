package org.mailprobe.agent.runtime;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.MailboxKey;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.submit.SubmissionResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes submitted and not yet seen on every watched path. Watchers report arrivals here; a
 * sweeper calls {@link #sweep} to count as lost what has not arrived by its deadline. A probe is
 * registered before it is submitted, because on a fast provider the message can be in the
 * mailbox before our client has read the server's 250.
 */
public final class InFlightProbes implements ArrivalListener {
    private static final Logger logger = LoggerFactory.getLogger(InFlightProbes.class);

    private final String agentId;
    private final @Nullable AgentMetrics metrics;
    private final Consumer<ProbeFigures> onFinished;
    /** Only "now", for when an expected probe is due: the arrivals carry their own instants. */
    private final InstantSource clock;
    private final Map<String, Pending> pending = new HashMap<>();
    /**
     * Probes this process sent and finished (measured, lost or failed), most recent last, bounded.
     * A late copy of one of these is ours to clean up; a verified token we never sent (from before
     * a restart, or a genuine token copied into another message) is left alone.
     */
    private final Map<String, MailboxKey> finished = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, MailboxKey> eldest) {
            return size() > RECENTLY_FINISHED;
        }
    };
    static final int RECENTLY_FINISHED = 100_000;
    /** Probes restored from the journal after a restart, until they finish. */
    private final Set<String> resumed = new java.util.HashSet<>();
    /**
     * Probes this process declared lost on some path, most recent last, bounded like
     * {@link #finished}: a sighting there later is a late arrival, journaled with its true delay.
     */
    private final Map<String, LostProbe> lost = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, LostProbe> eldest) {
            return size() > RECENTLY_FINISHED;
        }
    };
    private volatile @Nullable ProbeJournal journal;
    /** The configured routes: their accounts, legs and send estimates enter each probe's figures. */
    private final Map<String, RouteConfig> routes = new java.util.concurrent.ConcurrentHashMap<>();
    /** The watcher of a mailbox and path, told while a probe is on its way there (may return null). */
    private volatile Function<MailboxKey, ArrivalWatcher> watchers = key -> null;

    /**
     * @param metrics where figures are counted; null for a one-shot probe, which prints its figures
     *     and exits (no registry loaded: see OneShotProbe)
     */
    public InFlightProbes(String agentId, @Nullable AgentMetrics metrics, Consumer<ProbeFigures> onFinished,
            InstantSource clock) {
        this.clock = clock;
        this.agentId = agentId;
        this.metrics = metrics;
        this.onFinished = onFinished;
    }

    /**
     * The routes whose probes are expected: a probe's figures take its accounts, its paths' leg and
     * its send estimate (from Received headers, on its own path label) from its route.
     */
    public void routes(java.util.Collection<RouteConfig> configured) {
        configured.forEach(r -> routes.put(r.name(), r));
    }

    /** Records every accepted and every finished probe in the journal from now on. */
    public void journalTo(ProbeJournal journal) {
        this.journal = journal;
    }

    /**
     * Tells each probe's watchers while it is on its way ({@link ArrivalWatcher#expectArrival}), from
     * {@link #expect} until it is seen there, lost or failed, so they can look more often meanwhile.
     */
    public void expectationsTo(Function<MailboxKey, ArrivalWatcher> watchers) {
        this.watchers = watchers;
    }

    /**
     * Expects again the probes accepted before a restart and not finished then, with their
     * original accepted time and deadline, so a message that arrives after the restart is
     * measured, and one that never arrives is lost at its original deadline.
     */
    public synchronized void restore(List<ProbeJournal.Unfinished> probes) {
        for (ProbeJournal.Unfinished u : probes) {
            Pending p = new Pending(u.route(), u.leg(), new LinkedHashSet<>(u.watches()), Duration.between(
                    u.submission().accepted(), u.deadline()));
            p.submission = u.submission();
            p.deadline = u.deadline();
            pending.put(u.key(), p);
            resumed.add(u.key());
            logger.info("Expecting a probe sent before the restart. probe={} accepted={} deadline={}", u.key(),
                    u.submission().accepted(), u.deadline());
        }
        for (ProbeJournal.Unfinished u : probes) {
            if (metrics != null) {
                metrics.setInFlight(u.route(), countFor(u.route()));
            }
        }
    }

    /** Expects the probe with {@code tokenKey} on every one of {@code watches}. */
    public synchronized void expect(String tokenKey, String route, String leg, Set<MailboxKey> watches, Duration timeout) {
        Pending p = new Pending(route, leg, new LinkedHashSet<>(watches), timeout);
        p.expectedUntil = clock.instant().plus(timeout);
        pending.put(tokenKey, p);
        if (metrics != null) {
            metrics.setInFlight(route, countFor(route));
        }
        watches.forEach(this::tellWatcher);
    }

    /** The submission finished; on failure the probe is finished too. */
    public void submitted(String tokenKey, SubmissionResult result) {
        ProbeOutcome done = null;
        Pending accepted = null;
        synchronized (this) {
            Pending p = pending.get(tokenKey);
            if (p == null) {
                return;
            }
            p.submission = result;
            if (!result.succeeded()) {
                pending.remove(tokenKey);
                p.all.forEach(this::tellWatcher);
                done = p.outcome(result.reason());
            } else {
                p.deadline = Objects.requireNonNull(result.accepted(), "accepted").plus(p.timeout);
                accepted = p;
                if (p.waiting.isEmpty()) {
                    pending.remove(tokenKey);
                    done = p.outcome(Reason.NONE);
                }
            }
            if (metrics != null) {
                metrics.setInFlight(p.route, countFor(p.route));
            }
        }
        ProbeJournal j = journal;
        if (accepted != null && j != null) {
            // Before the outcome, so that the journal never holds an outcome of a probe it did not see accepted.
            j.submitted(tokenKey, accepted.leg, result, accepted.deadline, accepted.all);
        }
        finish(done);
    }

    @Override
    public boolean onArrival(Arrival arrival) {
        if (!agentId.equals(arrival.token().agentId())) {
            return false; // another agent's probe under the same key: its owner measures and deletes it
        }
        String key = arrival.token().key();
        MailboxKey watch = new MailboxKey(arrival.path(), arrival.mailbox());
        ProbeOutcome done = null;
        LateArrival late;
        boolean delete;
        synchronized (this) {
            Pending p = pending.get(key);
            if (p == null) {
                if (!finished.containsKey(key)) {
                    logger.info("Seen a verified probe of this agent that this process did not send (sent before "
                            + "a restart?); leaving it in place. probe={} watch=\"{}\"", key, watch);
                    return false;
                }
                late = lateArrival(key, watch, arrival);
                delete = watch.equals(finished.get(key));
                logger.info("Seen a probe of ours after it was finished ({}); {}. probe={} watch=\"{}\"",
                        late != null ? "late: it was lost here at its timeout" : "already measured",
                        delete ? "deleting it" : "its deleting path removes it", key, watch);
            } else {
                if (!p.waiting.remove(watch)) {
                    return false; // seen again on a path that has already reported it
                }
                late = null;
                tellWatcher(watch);
                p.arrived.put(watch, arrival);
                // Delete only once every path has seen it (they all look into the same mailbox), and only
                // from one path: two sessions expunging in one Dovecot mailbox made IMAP miss new mail.
                boolean seenEverywhere = p.waiting.isEmpty();
                delete = seenEverywhere && watch.equals(p.deleter);
                if (seenEverywhere && p.submission != null) {
                    pending.remove(key);
                    done = p.outcome(Reason.NONE);
                    if (metrics != null) {
                        metrics.setInFlight(p.route, countFor(p.route));
                    }
                }
            }
        }
        finish(done);
        late(late);
        return delete;
    }

    /**
     * A probe a deleting path saw before the others (webmail, which only reads, is usually last) may
     * be deleted once this process has finished it: measured on every path, or lost.
     */
    @Override
    public synchronized boolean mayDeleteNow(ProbeToken token, AccessPath path, String mailbox) {
        return agentId.equals(token.agentId()) && finished.containsKey(token.key())
                && new MailboxKey(path, mailbox).equals(finished.get(token.key()));
    }

    /** Counts as lost every path not seen by its probe's deadline. */
    public void sweep(Instant now) {
        List<ProbeOutcome> done = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator(); it.hasNext();) {
                Pending p = it.next().getValue();
                if (p.deadline != null && !now.isBefore(p.deadline)) {
                    it.remove();
                    for (MailboxKey w : p.waiting) {
                        tellWatcher(w);
                    }
                    done.add(p.outcome(Reason.LOST));
                    if (metrics != null) {
                        metrics.setInFlight(p.route, countFor(p.route));
                    }
                }
            }
        }
        done.forEach(this::finish);
    }

    /** Gives up on every pending probe without counting it (the agent is stopping). */
    public synchronized List<String> abandon() {
        List<String> keys = new ArrayList<>(pending.keySet());
        pending.clear();
        return keys;
    }

    public synchronized int size() {
        return pending.size();
    }

    /** Tells the watcher of {@code watch} until when a pending probe may still arrive there. */
    private void tellWatcher(MailboxKey watch) {
        ArrivalWatcher w = watchers.apply(watch);
        if (w == null) {
            return;
        }
        Instant until = Instant.EPOCH;
        for (Pending p : pending.values()) {
            if (p.expectedUntil != null && p.waiting.contains(watch) && p.expectedUntil.isAfter(until)) {
                until = p.expectedUntil;
            }
        }
        w.expectArrival(until);
    }

    /**
     * Computes the probe's figures once and writes them: to the journal first, then to the metrics.
     * If the journal record cannot be written, the metrics do not count the probe either (only
     * {@code mailprobe_probes_unjournaled_total} does): a dashboard must not show what the evidence
     * lacks, and the monthly report's comparison with Prometheus must stay exact.
     */
    private void finish(@Nullable ProbeOutcome outcome) {
        if (outcome == null) {
            return;
        }
        String key = outcome.submission().token().key();
        boolean wasResumed;
        synchronized (this) {
            finished.put(key, deleterOf(outcome.arrivals().keySet()));
            wasResumed = resumed.remove(key);
        }
        ProbeFigures figures = ProbeFigures.of(outcome, routes.get(outcome.route()), wasResumed);
        rememberLost(figures);
        if (journaled(figures)) {
            if (metrics != null) {
                FigureMetrics.record(metrics, figures);
            }
        } else {
            if (metrics != null) {
                metrics.recordUnjournaled(figures.route());
            }
        }
        try {
            onFinished.accept(figures);
        } catch (RuntimeException e) {
            logger.warn("A probe outcome consumer failed. route={}", outcome.route(), e);
        }
    }

    private boolean journaled(ProbeFigures figures) {
        ProbeJournal j = journal;
        if (j == null) {
            return true; // no journal configured: the metrics are all there is, and say so at start
        }
        try {
            j.finished(figures);
            return true;
        } catch (java.io.IOException e) {
            logger.error("Cannot append a probe to the journal; it is not evidence and not counted in the metrics. "
                    + "route={} probe={} error={}", figures.route(), figures.submission().token().key(), e.toString());
            return false;
        }
    }

    private synchronized void rememberLost(ProbeFigures f) {
        Set<MailboxKey> lostHere = new LinkedHashSet<>();
        for (ProbeFigures.PathFigures p : f.paths()) {
            if (p.lost()) {
                lostHere.add(p.watch());
            }
        }
        if (!lostHere.isEmpty()) {
            RouteConfig route = routes.get(f.route());
            String leg = f.paths().get(0).leg();
            lost.put(f.submission().token().key(), new LostProbe(f.route(), leg, f.fromAccount(), f.toAccount(),
                    f.submission().accepted(), lostHere, route == null ? Duration.ZERO : route.timeout()));
        }
    }

    /** The late arrival {@code arrival} is, if its probe was lost on {@code watch}; each is reported once. */
    private @Nullable LateArrival lateArrival(String key, MailboxKey watch, Arrival arrival) {
        LostProbe l = lost.get(key);
        if (l == null || !l.watches.remove(watch)) {
            return null;
        }
        return new LateArrival(l.route, l.leg, l.fromAccount, l.toAccount, watch, l.accepted, l.timeout, arrival);
    }

    /** Journals a late arrival with its true delay, then counts it; as for a probe, journal first. */
    private void late(@Nullable LateArrival late) {
        if (late == null) {
            return;
        }
        logger.warn("Probe arrived after it was counted lost. route={} path={} delay={}ms timeout={}ms probe={}",
                late.route(), late.watch().path().label(), late.delay().toMillis(), late.timeout().toMillis(),
                late.arrival().token().key());
        ProbeJournal j = journal;
        if (j != null) {
            try {
                j.late(late);
            } catch (java.io.IOException e) {
                logger.error("Cannot append a late arrival to the journal; not counted. route={} error={}",
                        late.route(), e.toString());
                return;
            }
        }
        if (metrics != null) {
            metrics.recordLate(late.route(), late.watch().path(), late.leg());
        }
    }

    /**
     * What a late record needs of a lost probe, and no more: up to {@link #RECENTLY_FINISHED} of
     * them are kept, so a long outage must not hold every lost probe's whole figures (its submission
     * stages, replies and sightings) on the heap.
     */
    private record LostProbe(String route, String leg, @Nullable String fromAccount, @Nullable String toAccount,
            @Nullable Instant accepted, Set<MailboxKey> watches, Duration timeout) {}

    /**
     * The one path that deletes a probe: its IMAP watch (one UID EXPUNGE, at once), else its POP3
     * watch; none for webmail, which only reads. With two watchers deleting from one mailbox, a
     * Dovecot IMAP session stopped seeing new mail for many seconds (docs/BENCHMARKS.md, "Benchmark: accuracy
     * against a real MTA"); one deleter per probe avoids it and is all cleanup needs.
     */
    static MailboxKey deleterOf(java.util.Collection<MailboxKey> watches) {
        for (AccessPath path : new AccessPath[] {AccessPath.IMAP, AccessPath.POP3}) {
            for (MailboxKey w : watches) {
                if (w.path() == path) {
                    return w;
                }
            }
        }
        return NO_DELETER;
    }

    /** Stands for "no path deletes" where a map cannot hold null. */
    private static final MailboxKey NO_DELETER = new MailboxKey(AccessPath.SINK, "");

    private int countFor(String route) {
        int n = 0;
        for (Pending p : pending.values()) {
            if (p.route.equals(route)) {
                n++;
            }
        }
        return n;
    }

    private static final class Pending {
        final String route;
        final String leg;
        final Set<MailboxKey> waiting;
        final Set<MailboxKey> all;
        final Duration timeout;
        final MailboxKey deleter;
        final Map<MailboxKey, Arrival> arrived = new LinkedHashMap<>();
        @Nullable SubmissionResult submission;
        @Nullable Instant deadline;
        /** Until when its watchers are told to expect it; null for a probe restored after a restart. */
        @Nullable Instant expectedUntil;

        Pending(String route, String leg, Set<MailboxKey> waiting, Duration timeout) {
            this.route = route;
            this.leg = leg;
            this.waiting = waiting;
            this.all = new LinkedHashSet<>(waiting);
            this.timeout = timeout;
            this.deleter = deleterOf(waiting);
        }

        ProbeOutcome outcome(Reason reason) {
            Map<MailboxKey, Arrival> byWatch = new LinkedHashMap<>();
            for (MailboxKey w : all) {
                byWatch.put(w, arrived.get(w));
            }
            // An outcome is made only once the submission is known.
            return new ProbeOutcome(route, leg, Objects.requireNonNull(submission, "submission"), byWatch, reason);
        }
    }
}
