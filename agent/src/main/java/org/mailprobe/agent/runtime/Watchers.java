package org.mailprobe.agent.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.agent.config.WebmailConfig;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.EndpointKind;
import org.mailprobe.probes.ImapArrivalWatcher;
import org.mailprobe.probes.Pop3ArrivalWatcher;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TokenSigner;
import org.mailprobe.probes.WatchSettings;
import org.mailprobe.probes.WebmailArrivalWatcher;
import org.mailprobe.probes.WebmailSettings;
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

    public Watchers(List<RouteConfig> routes, String agentId, String localHost, TokenSigner signer,
            ArrivalListener listener, AgentMetrics metrics) {
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
        WebmailConfig web = w.server().webmail();
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

    public void start() {
        for (Map.Entry<WatchKey, ArrivalWatcher> e : watchers.entrySet()) {
            logger.info("Starting arrival watcher. watch=\"{}\"", e.getKey());
            e.getValue().start();
        }
    }

    /** The watcher of a mailbox and path, or null. */
    public ArrivalWatcher get(WatchKey key) {
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
                watchers.get(e.getKey()).reconnectNow();
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

    @Override
    public void close() {
        for (ArrivalWatcher w : watchers.values()) {
            w.close();
        }
    }
}
