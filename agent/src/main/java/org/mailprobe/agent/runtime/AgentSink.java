package org.mailprobe.agent.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.LinkedHashSet;
import javax.net.ssl.SSLContext;
import org.mailprobe.agent.config.SinkConfig;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeSink;
import org.mailprobe.probes.ServerTls;
import org.mailprobe.probes.SinkRefusal;
import org.mailprobe.probes.SinkSettings;
import org.mailprobe.probes.TokenSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where this agent's send routes see their probes: its own SMTP sink, or the feed of a sink run
 * elsewhere. Either way a delivery becomes an arrival on path {@code sink}.
 */
public final class AgentSink implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(AgentSink.class);

    private final SinkConfig config;
    private final ProbeSink local;
    private final SinkFeed feed;
    private final RemoteSinkFeed remote;

    public AgentSink(SinkConfig config, TokenSigner signer, ArrivalListener listener, AgentMetrics metrics) {
        this.config = config;
        if (config.remote() != null) {
            local = null;
            feed = null;
            remote = new RemoteSinkFeed(config.remote(), config.mailboxName(), signer, listener, ProbeClock.system());
            return;
        }
        remote = null;
        feed = new SinkFeed(ProbeClock.system()::now, signer);
        if (metrics != null) {
            metrics.registerSink(Arrays.stream(SinkRefusal.values()).map(SinkRefusal::label).toList());
        }
        local = new ProbeSink(settings(config), signer,
                new SinkArrivals(config.mailboxName(), listener, metrics, feed));
    }

    static SinkSettings settings(SinkConfig c) {
        InetSocketAddress listen = c.listen().isUnresolved()
                ? new InetSocketAddress(c.listen().getHostString(), c.listen().getPort()) : c.listen();
        SinkSettings s = SinkSettings.of(listen, new LinkedHashSet<>(c.domains()), c.hostname())
                .withLimits(c.maxMessageBytes(), c.maxConnections(), c.connectionTimeout(),
                        SinkSettings.DEFAULT_CONNECTION_LIFETIME);
        if (c.certificateFile() != null) {
            SSLContext tls = ServerTls.fromPem(c.certificateFile(), c.keyFile());
            s = s.withTls(tls, false);
        }
        return s;
    }

    /** The feed of a local sink, to serve to agents elsewhere; null for a remote one. */
    public SinkFeed feed() {
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
        try {
            local.start();
        } catch (IOException e) {
            throw new UncheckedIOException("the sink cannot listen on " + config.listen() + ": " + e.getMessage()
                    + (config.listen().getPort() < 1024 ? " (ports below 1024 need root or CAP_NET_BIND_SERVICE)" : ""),
                    e);
        }
        logger.info("Sink listening. address={}:{} domains={} starttls={}", config.listen().getHostString(),
                local.port(), config.domains(), config.certificateFile() != null);
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
