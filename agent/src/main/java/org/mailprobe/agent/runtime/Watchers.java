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
import org.mailprobe.agent.config.Defaults;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.agent.config.WebmailConfig;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.EndpointKind;
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
 * connection to the same mailbox would only double the load on the provider.
 */
public final class Watchers implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(Watchers.class);
    /**
     * IDLE is restarted this often (60 s): between probes the only command a watcher sends, and how
     * soon a dead connection is noticed; well inside the 29 minutes RFC 2177 allows a server.
     */
    static final java.time.Duration IDLE_REFRESH = WatchSettings.DEFAULT_IDLE_REFRESH;

    private final Map<WatchKey, ArrivalWatcher> watchers = new LinkedHashMap<>();
    private final Map<WatchKey, WatchConfig> configs = new LinkedHashMap<>();
    /** Watchers that have reported a failure: they have tried once, so waiting for them is over. */
    private final Set<WatchKey> failedOnce = ConcurrentHashMap.newKeySet();

    public Watchers(List<RouteConfig> routes, String agentId, String localHost, TokenSigner signer,
            ArrivalListener arrivals, @Nullable AgentMetrics metrics) {
        ArrivalListener listener = new FailureNoting(arrivals, failedOnce);
        for (RouteConfig route : routes) {
            for (WatchConfig w : route.watches()) {
                WatchKey key = new WatchKey(w.path(), mailboxName(w));
                if (!watchers.containsKey(key)) {
                    watchers.put(key, create(w, agentId, localHost, signer, listener));
                    configs.put(key, w);
                    if (metrics != null) {
                        metrics.registerWatcher(w.path(), key.mailbox());
                    }
                }
            }
        }
    }

    /** The name a watcher reports arrivals under; the same for config and watcher. */
    public static String mailboxName(WatchConfig w) {
        return w.path() == AccessPath.WEBMAIL ? webmailSettings(w, "x", "x").mailboxName()
                : settings(w, "x", "x").mailboxName();
    }

    static WebmailSettings webmailSettings(WatchConfig w, String agentId, String localHost) {
        WebmailConfig web = Objects.requireNonNull(w.server().webmail(), "a webmail watch's server");
        return new WebmailSettings(web.url(), web.driver(), web.form(), w.account().login(), w.server().tls(),
                w.server().timeouts(), w.folder(), w.pollInterval(), localHost, agentId);
    }

    static WatchSettings settings(WatchConfig w, String agentId, String localHost) {
        return new WatchSettings(w.server().endpoint(), w.account().login(), w.server().tls(), w.server().timeouts(),
                w.folder(), w.pollInterval(), IDLE_REFRESH, w.deleteProbes(), localHost, agentId, w.idle());
    }

    private static ArrivalWatcher create(WatchConfig w, String agentId, String localHost, TokenSigner signer,
            ArrivalListener listener) {
        switch (w.path()) {
            case IMAP:
                return new ImapArrivalWatcher(settings(w, agentId, localHost), signer, listener);
            case POP3:
                return new Pop3ArrivalWatcher(settings(w, agentId, localHost), signer, listener);
            case WEBMAIL:
                return new WebmailArrivalWatcher(webmailSettings(w, agentId, localHost), signer, listener);
            default:
                throw new IllegalArgumentException("no watcher for path " + w.path());
        }
    }

    /** Starts every watcher; each connects on its own thread, so they all connect at once. */
    public void start() {
        for (Map.Entry<WatchKey, ArrivalWatcher> e : watchers.entrySet()) {
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
        int n = 0;
        for (Map.Entry<WatchKey, ArrivalWatcher> e : watchers.entrySet()) {
            if (e.getValue().healthy() || failedOnce.contains(e.getKey())) {
                n++;
            }
        }
        return n;
    }

    public int size() {
        return watchers.size();
    }

    /** The watcher of a mailbox and path, or null. */
    public @Nullable ArrivalWatcher get(WatchKey key) {
        return watchers.get(key);
    }

    /**
     * Tells the watchers of the server at {@code endpoint} to reconnect at once, after its
     * reachability check of {@code kind} passed again (issue 12): a watcher in a back-off would
     * otherwise date the probes delivered meanwhile by its own retry. Returns how many were told.
     */
    public int reconnect(EndpointKind kind, ServerEndpoint endpoint) {
        int told = 0;
        for (Map.Entry<WatchKey, WatchConfig> e : configs.entrySet()) {
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

    /** Passes everything on to the agent's listener, and notes which watchers have failed. */
    private static final class FailureNoting implements ArrivalListener {
        private final ArrivalListener next;
        private final Set<WatchKey> failed;

        FailureNoting(ArrivalListener next, Set<WatchKey> failed) {
            this.next = next;
            this.failed = failed;
        }

        @Override
        public boolean onArrival(Arrival arrival) {
            return next.onArrival(arrival);
        }

        @Override
        public boolean mayDeleteNow(ProbeToken token, AccessPath path, String mailbox) {
            return next.mayDeleteNow(token, path, mailbox);
        }

        @Override
        public void onCleanupFailure(AccessPath path, String mailbox, ProbeToken token, String why) {
            next.onCleanupFailure(path, mailbox, token, why);
        }

        @Override
        public void onWebmailSkipped(String mailbox, String reason) {
            next.onWebmailSkipped(mailbox, reason);
        }

        @Override
        public void onWatchFailure(AccessPath path, String mailbox, Reason reason) {
            failed.add(new WatchKey(path, mailbox));
            next.onWatchFailure(path, mailbox, reason);
        }
    }
}
