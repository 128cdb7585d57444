package org.mailprobe.agent.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.RouteConfig;
import org.mailprobe.agent.config.SinkConfig;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ServerTls;
import org.mailprobe.probes.sink.ProbeSink;
import org.mailprobe.probes.sink.ReplayWindow;
import org.mailprobe.probes.sink.SinkRefusal;
import org.mailprobe.probes.sink.SinkSettings;
import org.mailprobe.probes.token.TokenSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where this agent's send routes see their probes: its own SMTP sink, or the feed of a sink run
 * elsewhere. Either way a delivery becomes an arrival on path {@code sink}.
 */
public final class AgentSink implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(AgentSink.class);
    /** The feed key when none is configured: derived from the token key the sink and its agents share. */
    static final String FEED_KEY_PURPOSE = "mailprobe sink feed v1";

    private final SinkConfig config;
    private final @Nullable ProbeSink local;
    private final @Nullable SinkFeed feed;
    private final @Nullable RemoteSinkFeed remote;

    /** A sink that knows no route: every token's replay window is {@code sink.replay_window}. */
    public AgentSink(SinkConfig config, TokenSigner signer, ArrivalListener listener, @Nullable AgentMetrics metrics,
            ProbeClock clock) {
        this(config, signer, listener, metrics, Map.of(), clock);
    }

    /**
     * {@code routeWindows}: the replay window of each route this agent sends to its sink (its timeout).
     * {@code clock} stamps the deliveries, where the send delay ends: the probes' clock.
     */
    public AgentSink(SinkConfig config, TokenSigner signer, ArrivalListener listener, @Nullable AgentMetrics metrics,
            Map<String, Duration> routeWindows, ProbeClock clock) {
        this.config = config;
        byte[] configured = config.feed().keyBytes();
        byte[] feedKey = configured != null ? configured : signer.derive(FEED_KEY_PURPOSE);
        if (config.remote() != null) {
            local = null;
            feed = null;
            if (metrics != null) {
                metrics.registerSinkFeed(Arrays.stream(RemoteSinkFeed.Refusal.values())
                        .map(RemoteSinkFeed.Refusal::label).toList());
            }
            SinkConfig.Feed f = config.feed();
            remote = new RemoteSinkFeed(config.remote(), new RemoteSinkFeed.Settings(f.caFile(), f.insecurePlainHttp(),
                    f.timeout(), f.maxBytes()), feedKey, config.mailboxName(), signer, listener, clock,
                    reason -> {
                        if (metrics != null) {
                            metrics.recordSinkFeedRefusal(reason.label());
                        }
                    });
            return;
        }
        remote = null;
        feed = new SinkFeed(clock::now, signer, feedKey);
        if (metrics != null) {
            metrics.registerSink(Arrays.stream(SinkRefusal.values()).map(SinkRefusal::label).toList());
        }
        local = new ProbeSink(settings(config, routeWindows), signer,
                new SinkArrivals(config.mailboxName(), listener, metrics, feed), clock);
    }

    /**
     * The replay window of each route that sends to a sink: twice its timeout. A delivery after the
     * timeout is lost for the route's figures, but taken once more and journaled as late with its
     * true delay (the only proof of a message over the contract's hour); refusing it would bounce
     * the provider's late delivery and lose that figure.
     */
    public static Map<String, Duration> replayWindows(List<RouteConfig> routes) {
        Map<String, Duration> windows = new LinkedHashMap<>();
        for (RouteConfig r : routes) {
            if (r.toSink()) {
                windows.put(r.name(), r.timeout().multipliedBy(2));
            }
        }
        return windows;
    }

    static SinkSettings settings(SinkConfig c, Map<String, Duration> routeWindows) {
        InetSocketAddress configured = Objects.requireNonNull(c.listen(), "a local sink listens");
        InetSocketAddress listen = configured.isUnresolved()
                ? new InetSocketAddress(configured.getHostString(), configured.getPort()) : configured;
        SinkSettings s = SinkSettings.of(listen, new LinkedHashSet<>(c.domains()), c.hostname())
                .withLimits(c.maxMessageBytes(), c.maxConnections(), c.connectionTimeout(),
                        c.limits().connectionLifetime())
                .withMaxConnectionsPerSource(c.limits().maxConnectionsPerSource())
                .withReplay(ReplayWindow.defaults().with(c.limits().replayWindow(), ReplayWindow.DEFAULT_CAPACITY)
                        .withRoutes(routeWindows));
        Path certificate = c.certificateFile();
        if (certificate != null) {
            // SinkConfig holds a key with every certificate.
            SSLContext tls = ServerTls.fromPem(certificate, Objects.requireNonNull(c.keyFile(), "keyFile"));
            s = s.withTls(tls, false);
        }
        return s;
    }

    /** The feed of a local sink, to serve to agents elsewhere; null for a remote one. */
    public @Nullable SinkFeed feed() {
        return feed;
    }

    /** Binds the sink (or starts reading the remote feed). */
    public void start() {
        if (remote != null) {
            remote.start();
            logger.info("Reading a remote sink's deliveries. feed={}/sink/deliveries domains={}", config.remote(),
                    config.domains());
            return;
        }
        ProbeSink local = Objects.requireNonNull(this.local, "a sink without a remote is local");
        InetSocketAddress listen = Objects.requireNonNull(config.listen(), "a local sink listens");
        try {
            local.start();
        } catch (IOException e) {
            throw new UncheckedIOException("the sink cannot listen on " + listen + ": " + e.getMessage()
                    + (listen.getPort() < 1024 ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE)" : ""),
                    e);
        }
        logger.info("Sink listening. address={}:{} domains={} starttls={}", listen.getHostString(),
                local.port(), config.domains(), config.certificateFile() != null);
    }

    /** The local sink itself, for its bounds; null for a remote one. */
    @Nullable ProbeSink local() {
        return local;
    }

    /** The port the local sink listens on (the real one when 0 was configured). */
    public int port() {
        return local == null ? -1 : local.port();
    }

    /** True while the sink listens, or the remote feed answers. */
    public boolean healthy() {
        return remote != null ? remote.healthy() : local != null;
    }

    @Override
    public void close() {
        if (local != null) {
            local.close();
        }
        if (remote != null) {
            remote.close();
        }
    }
}
