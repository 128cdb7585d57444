package org.mailprobe.agent.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.Defaults;
import org.mailprobe.agent.config.MailboxKey;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.agent.config.WebmailConfig;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.EndpointKind;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.token.TokenSigner;
import org.mailprobe.probes.watch.ImapArrivalWatcher;
import org.mailprobe.probes.watch.Pop3ArrivalWatcher;
import org.mailprobe.probes.watch.WatchSettings;
import org.mailprobe.probes.watch.WebmailArrivalWatcher;
import org.mailprobe.probes.webmail.WebmailSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watcher per mailbox and path, shared by every route that ends there: a second IMAP
 * connection to the same mailbox would only double the load on the provider. The one wiring of
 * watchers for the agent and a one-shot probe alike: arrivals go to the in-flight probes, which
 * tell the watchers what to expect; failures, cleanup and health go to a {@link WatcherEvents}
 * (the agent's metrics, or a one-shot probe's report).
 */
public final class Watchers implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(Watchers.class);
    /**
     * IDLE is restarted this often (60 s): between probes the only command a watcher sends, and how
     * soon a dead connection is noticed; well inside the 29 minutes RFC 2177 allows a server.
     */
    static final java.time.Duration IDLE_REFRESH = WatchSettings.DEFAULT_IDLE_REFRESH;

    private final Map<MailboxKey, ArrivalWatcher> watchers = new LinkedHashMap<>();
    private final Map<MailboxKey, WatchConfig> configs = new LinkedHashMap<>();
    private final WatcherEvents events;
    /**
     * Watchers whose failure has been reported: they have tried once, so waiting for them is over.
     * Added only once the listener and the events have heard of the failure, so that whoever waits
     * for {@link #settled()} finds it there (a one-shot probe's report once lacked one).
     */
    private final Set<MailboxKey> failedOnce = ConcurrentHashMap.newKeySet();

    Watchers(List<RouteConfig> routes, String agentId, String localHost, TokenSigner signer,
            ArrivalListener arrivals, WatcherEvents events, ProbeClock clock) {
        this.events = java.util.Objects.requireNonNull(events, "events");
        ArrivalListener listener = new Reporting(arrivals, events, failedOnce);
        for (RouteConfig route : routes) {
            for (WatchConfig w : route.watches()) {
                MailboxKey key = w.mailboxKey();
                if (!watchers.containsKey(key)) {
                    watchers.put(key, create(w, agentId, localHost, signer, listener, clock));
                    configs.put(key, w);
                    events.watching(key);
                }
            }
        }
    }

    /**
     * The watchers of {@code routes}, not started: their arrivals go to {@code inFlight}, which tells
     * them while a probe is on its way; everything else they report goes to {@code events}.
     */
    static Watchers of(AgentConfig config, List<RouteConfig> routes, InFlightProbes inFlight, WatcherEvents events,
            ProbeClock clock) {
        Watchers w = new Watchers(routes, config.agent().id(), config.agent().hostname(), config.agent().signer(),
                inFlight, events, clock);
        inFlight.expectationsTo(w::get);
        return w;
    }

    static WebmailSettings webmailSettings(WatchConfig w, String agentId, String localHost) {
        WebmailConfig web = Objects.requireNonNull(w.server().webmail(), "a webmail watch's server");
        return new WebmailSettings(web.url(), web.driver(), web.form(), w.account().login(), w.server().tls(),
                w.server().timeouts(), w.folder(), w.pollInterval(), localHost, agentId);
    }

    static WatchSettings settings(WatchConfig w, String agentId, String localHost) {
        return new WatchSettings(w.server().endpoint(), w.account().login(), w.server().tls(), w.server().timeouts(),
                w.folder(), w.pollInterval(), IDLE_REFRESH, w.deleteProbes(), localHost, agentId, w.idle(),
                w.folders().subList(1, w.folders().size()), w.junkFolders());
    }

    private static ArrivalWatcher create(WatchConfig w, String agentId, String localHost, TokenSigner signer,
            ArrivalListener listener, ProbeClock clock) {
        switch (w.path()) {
            case IMAP:
                return new ImapArrivalWatcher(settings(w, agentId, localHost), signer, listener, clock);
            case POP3:
                return new Pop3ArrivalWatcher(settings(w, agentId, localHost), signer, listener, clock);
            case WEBMAIL:
                return new WebmailArrivalWatcher(webmailSettings(w, agentId, localHost), signer, listener, clock);
            default:
                throw new IllegalArgumentException("no watcher for path " + w.path());
        }
    }

    /** Starts every watcher; each connects on its own thread, so they all connect at once. */
    public void start() {
        for (Map.Entry<MailboxKey, ArrivalWatcher> e : watchers.entrySet()) {
            logger.debug("Starting arrival watcher. watch=\"{}\"", e.getKey());
            e.getValue().start();
        }
        logger.info("Arrival watchers started; they connect in parallel. watchers={}", watchers.size());
    }

    /**
     * How many watchers have finished starting: connected, or failed at least once (a watcher that
     * cannot connect will not be ready sooner for being waited for).
     */
    public int settled() {
        return watchers.size() - unsettled().size();
    }

    /** The watchers neither connected nor failed yet (reported). */
    List<MailboxKey> unsettled() {
        List<MailboxKey> waiting = new ArrayList<>();
        for (Map.Entry<MailboxKey, ArrivalWatcher> e : watchers.entrySet()) {
            if (!e.getValue().healthy() && !failedOnce.contains(e.getKey())) {
                waiting.add(e.getKey());
            }
        }
        return waiting;
    }

    /** Whether every watcher holds a working connection now. */
    boolean allHealthy() {
        for (ArrivalWatcher w : watchers.values()) {
            if (!w.healthy()) {
                return false;
            }
        }
        return true;
    }

    /** Tells the events whether each watcher is up now. */
    void reportHealth() {
        for (Map.Entry<MailboxKey, ArrivalWatcher> e : watchers.entrySet()) {
            events.up(e.getKey(), e.getValue().healthy());
        }
    }

    public int size() {
        return watchers.size();
    }

    /** The watcher of a mailbox and path, or null. */
    public @Nullable ArrivalWatcher get(MailboxKey key) {
        return watchers.get(key);
    }

    /**
     * Tells the watchers of the server at {@code endpoint} to reconnect at once, after its
     * reachability check of {@code kind} passed again (issue 12): a watcher in a back-off would
     * otherwise date the probes delivered meanwhile by its own retry. Returns how many were told.
     */
    public int reconnect(EndpointKind kind, ServerEndpoint endpoint) {
        int told = 0;
        for (Map.Entry<MailboxKey, WatchConfig> e : configs.entrySet()) {
            if (serves(e.getValue(), kind, endpoint)) {
                logger.info("The watched server passes its reachability check again; reconnecting now. watch=\"{}\" "
                        + "endpoint={}", e.getKey(), endpoint);
                Objects.requireNonNull(watchers.get(e.getKey())).reconnectNow();
                told++;
            }
        }
        return told;
    }

    /** Whether a check of {@code kind} at {@code endpoint} checks the server of {@code watch}: same host, port and protocol. */
    static boolean serves(WatchConfig watch, EndpointKind kind, ServerEndpoint endpoint) {
        ServerEndpoint server = watch.server().endpoint();
        if (!server.host().equalsIgnoreCase(endpoint.host()) || server.port() != endpoint.port()) {
            return false;
        }
        switch (kind) {
            case TCP:
                return true;
            case IMAP:
                return watch.path() == AccessPath.IMAP;
            case POP3:
                return watch.path() == AccessPath.POP3;
            case HTTP:
                return watch.path() == AccessPath.WEBMAIL;
            default:
                return false;
        }
    }

    public List<ArrivalWatcher> all() {
        return new ArrayList<>(watchers.values());
    }

    /**
     * Closes every watcher, many at once: each close waits for its server's goodbye, and one after
     * another 1,000 of them took 11-15 s (issue 13). Waits at most {@link Defaults#WATCHERS_CLOSE_WAIT};
     * a watcher still closing then is left to end on its own (its threads are daemons).
     */
    @Override
    public void close() {
        if (watchers.isEmpty()) {
            return;
        }
        int threads = Math.min(watchers.size(), Defaults.WATCHER_CLOSE_THREADS);
        ExecutorService closing = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "mailprobe-watcher-close");
            t.setDaemon(true);
            return t;
        });
        for (ArrivalWatcher w : watchers.values()) {
            closing.execute(w::close);
        }
        closing.shutdown();
        try {
            if (!closing.awaitTermination(Defaults.WATCHERS_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                logger.warn("Not every watcher closed in time; the rest end on their own. watchers={} waitedMs={}",
                        watchers.size(), Defaults.WATCHERS_CLOSE_WAIT.toMillis());
                closing.shutdownNow();
            }
        } catch (InterruptedException e) {
            closing.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Passes every call on to the arrivals' listener (the in-flight probes), and failures, cleanup
     * failures and webmail skips to the events as well; notes a failed watcher only after both have
     * heard of its failure.
     */
    private static final class Reporting implements ArrivalListener {
        private final ArrivalListener arrivals;
        private final WatcherEvents events;
        private final Set<MailboxKey> failed;

        Reporting(ArrivalListener arrivals, WatcherEvents events, Set<MailboxKey> failed) {
            this.arrivals = arrivals;
            this.events = events;
            this.failed = failed;
        }

        @Override
        public boolean onArrival(Arrival arrival) {
            return arrivals.onArrival(arrival);
        }

        @Override
        public boolean mayDeleteNow(ProbeToken token, AccessPath path, String mailbox) {
            return arrivals.mayDeleteNow(token, path, mailbox);
        }

        @Override
        public void onCleanupFailure(AccessPath path, String mailbox, ProbeToken token, String why) {
            arrivals.onCleanupFailure(path, mailbox, token, why);
            events.cleanupFailed(new MailboxKey(path, mailbox), token, why);
        }

        @Override
        public void onWebmailSkipped(String mailbox, String reason) {
            arrivals.onWebmailSkipped(mailbox, reason);
            events.webmailSkipped(mailbox, reason);
        }

        @Override
        public void onWatchFailure(AccessPath path, String mailbox, Reason reason) {
            MailboxKey key = new MailboxKey(path, mailbox);
            try {
                arrivals.onWatchFailure(path, mailbox, reason);
                events.failed(key, reason);
            } finally {
                failed.add(key); // after: see failedOnce
            }
        }
    }
}
