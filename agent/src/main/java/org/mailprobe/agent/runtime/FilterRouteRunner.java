package org.mailprobe.agent.runtime;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.Defaults;
import org.mailprobe.agent.config.DirectDeliveryConfig;
import org.mailprobe.agent.config.FilterRouteConfig;
import org.mailprobe.agent.config.FilterWatchConfig;
import org.mailprobe.agent.journal.Journal;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.agent.metrics.FilterMetrics;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.filter.CollectorLook;
import org.mailprobe.probes.filter.CollectorSettings;
import org.mailprobe.probes.filter.FilterOutcome;
import org.mailprobe.probes.filter.FilterSample;
import org.mailprobe.probes.filter.SampleCollector;
import org.mailprobe.probes.filter.SampleDirection;
import org.mailprobe.probes.filter.SampleSender;
import org.mailprobe.probes.filter.SampleSighting;
import org.mailprobe.probes.filter.SampleVerdict;
import org.mailprobe.probes.filter.SentSample;
import org.mailprobe.probes.submit.MxDeliverySettings;
import org.mailprobe.probes.submit.SubmissionResult;
import org.mailprobe.probes.submit.SubmissionSettings;
import org.mailprobe.probes.token.TokenSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One filter route at run time (clause 6, issue 14). Each batch sends every sample in every
 * direction the route has, on the shared send pool; a sample the provider accepted is outstanding
 * until a look finds it or a look after its deadline does not (withheld). Looks follow a back-off
 * (first after {@link Looks#first()}, then twice as long each time, at most {@link Looks#max()},
 * never past the earliest deadline) that starts again with each batch. Samples of two batches may
 * be outstanding at once; a look carries them all. Each outcome is written to the journal first,
 * then counted.
 */
final class FilterRouteRunner {
    private static final Logger logger = LoggerFactory.getLogger(FilterRouteRunner.class);

    /** When to look for outstanding samples. */
    record Looks(Duration first, Duration max, Duration lookDeadline, Duration sendDeadline) {
        static final Looks DEFAULT = new Looks(Defaults.FILTER_FIRST_LOOK, Defaults.FILTER_MAX_LOOK_INTERVAL,
                Defaults.FILTER_LOOK_DEADLINE, Defaults.FILTER_SEND_DEADLINE);
    }

    /** A sample the provider accepted, not yet found. */
    private record Pending(SentSample sent, Instant deadline, long batch) {}

    private final String agentId;
    private final FilterRouteConfig route;
    private final SampleSender sender;
    private final SampleCollector collector;
    private final FilterMetrics metrics;
    private final AgentMetrics agentMetrics;
    private final @Nullable Journal journal;
    private final ProbeClock clock;
    private final Executor pool;
    private final ScheduledExecutorService timer;
    private final Looks looks;
    /** Starts at the wall clock's milliseconds, so that sequences stay unique across restarts. */
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis());
    private final AtomicLong batches = new AtomicLong();
    private final Map<String, Pending> outstanding = new ConcurrentHashMap<>();
    /** Samples of each batch whose outcome is not known yet; the batch ends at zero. */
    private final Map<Long, AtomicInteger> unfinished = new ConcurrentHashMap<>();
    private final Object looking = new Object();
    private final java.util.concurrent.locks.ReentrantLock lookLock = new java.util.concurrent.locks.ReentrantLock();
    private @Nullable ScheduledFuture<?> nextLook;
    private @Nullable Instant nextLookAt;
    private Duration backoff;

    FilterRouteRunner(String agentId, FilterRouteConfig route, SampleSender sender, SampleCollector collector,
            FilterMetrics metrics, AgentMetrics agentMetrics, @Nullable Journal journal, ProbeClock clock,
            Executor pool, ScheduledExecutorService timer, Looks looks) {
        this.agentId = agentId;
        this.route = route;
        this.sender = sender;
        this.collector = collector;
        this.metrics = metrics;
        this.agentMetrics = agentMetrics;
        this.journal = journal;
        this.clock = clock;
        this.pool = pool;
        this.timer = timer;
        this.looks = looks;
        this.backoff = looks.first();
    }

    /** The sender and collector of {@code route}, as its config says. */
    static SampleSender sender(FilterRouteConfig route, String localHost, TokenSigner signer, ProbeClock clock) {
        DirectDeliveryConfig d = route.direct();
        String domain = route.to().address().substring(route.to().address().lastIndexOf('@') + 1);
        MxDeliverySettings inbound = (d.via() == null ? MxDeliverySettings.toDomain(domain, d.helo())
                : MxDeliverySettings.toHost(d.via().endpoint().host(), d.via().endpoint().port(), d.helo()))
                .withTls(d.tls(), d.requireStartTls())
                .withTimeouts(d.timeouts());
        SubmissionSettings outbound = route.submitVia() == null ? null
                : new SubmissionSettings(route.submitVia().endpoint(), Objects.requireNonNull(route.from()).login(),
                        route.submitVia().tls(), route.submitVia().timeouts(), localHost);
        return new SampleSender(inbound, outbound, signer, clock);
    }

    static SampleCollector collector(FilterRouteConfig route, String agentId, String localHost, TokenSigner signer,
            ProbeClock clock) {
        FilterWatchConfig w = route.watch();
        return new SampleCollector(new CollectorSettings(w.server().endpoint(), w.account().login(), w.server().tls(),
                w.server().timeouts(), w.folders(), w.junkFolders(), route.spamTags(), route.virusTags(), localHost,
                agentId, w.deleteSamples()), signer, clock);
    }

    FilterRouteConfig route() {
        return route;
    }

    /** The directions the route sends in: inbound always, outbound with submit_via. */
    List<SampleDirection> directions() {
        return route.outbound() ? List.of(SampleDirection.INBOUND, SampleDirection.OUTBOUND)
                : List.of(SampleDirection.INBOUND);
    }

    /** Samples sent and not yet classified. */
    int outstanding() {
        return outstanding.size();
    }

    /** Sends one batch: every sample in every direction, each on the pool; returns at once. */
    void sendBatch() {
        long batch = batches.incrementAndGet();
        List<SampleDirection> directions = directions();
        int count = route.samples().size() * directions.size();
        unfinished.put(batch, new AtomicInteger(count));
        logger.info("Filter batch started. route={} batch={} samples={}", route.name(), batch, count);
        for (SampleDirection direction : directions) {
            for (FilterSample sample : route.samples()) {
                try {
                    pool.execute(() -> sendOne(sample, direction, batch));
                } catch (RejectedExecutionException stopping) {
                    return;
                }
            }
        }
    }

    private void sendOne(FilterSample sample, SampleDirection direction, long batch) {
        try {
            Instant now = clock.now();
            ProbeToken token = new ProbeToken(agentId, route.name(), sequence.incrementAndGet(), now);
            String from = direction == SampleDirection.INBOUND ? route.sender()
                    : Objects.requireNonNull(route.from(), "an outbound route has a from account").address();
            SubmissionResult result = sender.send(sample, token, direction, from, route.to().address(),
                    now.plus(looks.sendDeadline()));
            SentSample sent = new SentSample(sample, token, direction, result);
            if (result.succeeded() && result.accepted() != null) {
                outstanding.put(sent.key(), new Pending(sent, result.accepted().plus(route.timeout()), batch));
                lookWithin(looks.first(), true);
            } else {
                logger.info("Filter sample not accepted. route={} sample={} variant={} direction={} reason={} "
                        + "reply=\"{}\"", route.name(), sent.key(), sample.variant(), direction.label(),
                        result.reason().label(), result.lastReply());
                finish(sent, null, batch);
            }
        } catch (RuntimeException e) {
            logger.error("A filter sample could not be sent for an internal error; its batch ends without it. "
                    + "route={} variant={} direction={}", route.name(), sample.variant(), direction.label(), e);
            countDown(batch);
        }
    }

    /**
     * Makes the next look come within {@code delay}; {@code reset} starts the back-off again (a new
     * sample is outstanding).
     */
    private void lookWithin(Duration delay, boolean reset) {
        synchronized (looking) {
            if (reset) {
                backoff = looks.first();
            }
            Instant at = clock.now().plus(delay);
            if (nextLook != null && nextLookAt != null && !nextLookAt.isAfter(at)) {
                return;
            }
            if (nextLook != null) {
                nextLook.cancel(false);
            }
            try {
                nextLookAt = at;
                nextLook = timer.schedule(() -> pool.execute(this::lookOnce), delay.toNanos(),
                        TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException stopping) {
                nextLook = null;
                nextLookAt = null;
            }
        }
    }

    /** One look for every outstanding sample, then the withheld ones decided, then the next look set. */
    void lookOnce() {
        // One look at a time: a look asked for while one runs is covered by the next that one sets.
        if (!lookLock.tryLock()) {
            return;
        }
        try {
            synchronized (looking) {
                nextLook = null;
                nextLookAt = null;
            }
            lookLocked();
        } finally {
            lookLock.unlock();
        }
    }

    private void lookLocked() {
        List<Pending> pending = List.copyOf(outstanding.values());
        if (pending.isEmpty()) {
            return;
        }
        Instant started = clock.now();
        CollectorLook look;
        try {
            look = collector.look(pending.stream().map(Pending::sent).toList(), started.plus(looks.lookDeadline()));
        } catch (RuntimeException e) {
            logger.error("A look for filter samples failed with an internal error. route={}", route.name(), e);
            look = new CollectorLook(List.of(), 0, org.mailprobe.probes.Reason.INTERNAL, "internal error");
        }
        // The collector counts each such message once (it remembers folder, UIDVALIDITY and UID), also
        // in a look that failed part way.
        metrics.recordUnmatched(route.name(), look.unmatched());
        for (SampleSighting s : look.found()) {
            Pending p = outstanding.remove(s.sampleKey());
            if (p != null) {
                finish(p.sent(), s, p.batch());
            }
        }
        if (!look.worked()) {
            logger.warn("A look for filter samples failed; outstanding samples are looked for again. route={} "
                    + "reason={} detail=\"{}\" outstanding={}", route.name(), look.failure().label(), look.detail(),
                    outstanding.size());
        }
        for (Pending p : pending) {
            // Withheld only when a look that began after its deadline worked and did not find it; while
            // looks fail, a sample waits up to one more timeout, then is withheld all the same (a mailbox
            // we cannot read is not delivered mail).
            boolean overdue = !started.isBefore(p.deadline())
                    && (look.worked() || !started.isBefore(p.deadline().plus(route.timeout())));
            if (overdue && outstanding.remove(p.sent().key(), p)) {
                finish(p.sent(), null, p.batch());
            }
        }
        scheduleNext();
    }

    private void scheduleNext() {
        Instant earliest = null;
        for (Pending p : outstanding.values()) {
            earliest = earliest == null || p.deadline().isBefore(earliest) ? p.deadline() : earliest;
        }
        if (earliest == null) {
            return;
        }
        Duration delay;
        synchronized (looking) {
            delay = backoff;
            Duration doubled = backoff.multipliedBy(2);
            backoff = doubled.compareTo(looks.max()) > 0 ? looks.max() : doubled;
        }
        Duration untilDeadline = Duration.between(clock.now(), earliest);
        if (untilDeadline.compareTo(delay) < 0) {
            delay = untilDeadline.isNegative() ? looks.first() : untilDeadline;
        }
        lookWithin(delay, false);
    }

    /** Writes the sample's outcome to the journal, then counts it; ends its batch with its last sample. */
    private void finish(SentSample sent, @Nullable SampleSighting sighting, long batch) {
        FilterOutcome outcome = SampleVerdict.classify(sent, sighting);
        FilterSampleRecord record = new FilterSampleRecord(sent.key(), route.name(), sent.sample().kind(),
                sent.sample().variant(), sent.direction(), sent.token().stampedAt(), sent.send().accepted(), outcome,
                sent.send().reason(), sent.send().lastReply(), sighting == null ? null : sighting.folder(),
                sighting == null ? null : sighting.seenAt(), sighting == null ? null : sighting.matchedBy(),
                SampleVerdict.decidedBy(sent, sighting), sighting != null && sighting.deleted());
        boolean journaled = true;
        if (journal != null) {
            try {
                journal.append(FilterSampleRecord.TYPE, record.json());
            } catch (IOException e) {
                journaled = false;
                logger.error("Cannot journal a filter sample; it is not counted. route={} sample={} error={}",
                        route.name(), sent.key(), e.toString());
                agentMetrics.recordUnjournaled(route.name());
            }
        }
        if (journaled) {
            metrics.recordSample(route.name(), sent.direction(), sent.sample().kind(), outcome);
        }
        logger.debug("Filter sample classified. route={} sample={} variant={} direction={} outcome={} decidedBy=\"{}\"",
                route.name(), sent.key(), sent.sample().variant(), sent.direction().label(), outcome.label(),
                record.decidedBy());
        countDown(batch);
    }

    private void countDown(long batch) {
        AtomicInteger left = unfinished.get(batch);
        if (left != null && left.decrementAndGet() == 0) {
            unfinished.remove(batch);
            Instant now = clock.now();
            metrics.recordBatchEnd(route.name(), now);
            logger.info("Filter batch finished. route={} batch={}", route.name(), batch);
        }
    }
}
