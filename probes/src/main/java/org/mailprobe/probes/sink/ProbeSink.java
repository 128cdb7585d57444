package org.mailprobe.probes.sink;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.internal.MailSessions;
import org.mailprobe.probes.internal.Watchdog;
import org.mailprobe.probes.token.TokenSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.server.SMTPServer;
import org.subethamail.smtp.server.Session;
import org.subethamail.smtp.server.SessionHandler;

/**
 * The send leg's destination: an SMTP receiver (RFC 5321) where the provider delivers our probes.
 * It times each connection and each message's MAIL FROM on {@link ProbeClock}, accepts only
 * recipients in its own domains and only messages that carry a verified token, each token once
 * and within its replay window ({@link SeenTokens}), and stores nothing: a message is read to its
 * end, its header block kept in memory only until the token is checked. Connections are limited
 * in all and per source address, closed when idle and at their lifetime, so no client can hold
 * the provider out. SMTP itself is SubEthaSMTP's; the policy is here and in {@link SinkTransaction}.
 */
public final class ProbeSink implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(ProbeSink.class);
    /**
     * SubEthaSMTP's own connection limit sits above ours so that ours, which tells the listener,
     * is the one a client meets; beyond both, connections wait in the backlog.
     */
    private static final int LIBRARY_SPARE_CONNECTIONS = 10;
    /** The least RFC 5321 section 4.5.3.1.8 lets a server accept; a probe has one. */
    private static final int MAX_RECIPIENTS = 100;

    private final SinkSettings settings;
    private final Context context;
    private final Map<Session, Connection> connections = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    /** Open connections per source address; an address leaves the map with its last connection. */
    private final Map<String, Integer> perSource = new ConcurrentHashMap<>();
    private @Nullable SMTPServer server;

    /** @param clock stamps connections and MAIL FROM: where the send delay ends, so the probes' clock */
    public ProbeSink(SinkSettings settings, TokenSigner signer, SinkListener listener, ProbeClock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.context = new Context(settings, Objects.requireNonNull(signer, "signer"),
                Objects.requireNonNull(listener, "listener"), Objects.requireNonNull(clock, "clock"),
                new SeenTokens(settings.replay()));
    }

    /**
     * Binds the listen address and starts accepting connections.
     *
     * @throws IOException if the address cannot be bound (in use, no permission for port 25)
     * @throws IllegalStateException if already started
     */
    public synchronized void start() throws IOException {
        if (server != null) {
            throw new IllegalStateException("the sink is already started");
        }
        InetAddress bind = settings.listen().getAddress();
        if (bind == null) {
            throw new IOException("cannot listen on " + settings.listen() + ": the address does not resolve");
        }
        ExecutorService sessions = Executors.newCachedThreadPool(MailSessions.daemonThreads("mailprobe-sink"));
        SMTPServer.Builder builder = SMTPServer.port(settings.listen().getPort())
                .bindAddress(bind)
                .hostName(settings.hostName())
                .softwareName("mailprobe sink")
                .messageHandlerFactory(ctx -> {
                    Session session = (Session) ctx;
                    // Sessions.accept registered every session before its first transaction.
                    return new SinkTransaction(context, Objects.requireNonNull(connections.get(session)), session);
                })
                .sessionHandler(new Sessions())
                .executorService(sessions)
                .insertReceivedHeaders(false)
                .maxConnections(settings.maxConnections() + LIBRARY_SPARE_CONNECTIONS)
                .maxMessageSize(settings.maxMessageBytes())
                .maxRecipients(MAX_RECIPIENTS)
                .connectionTimeoutMs((int) Math.min(Integer.MAX_VALUE, settings.readTimeout().toMillis()))
                .serverSocketFactory(() -> new StampingServerSocket(context.clock()))
                .serverThreadName("mailprobe-sink-accept");
        if (settings.tls() != null) {
            builder.enableTLS(true).startTlsSocketFactory(this::startTls);
        }
        SMTPServer s = builder.build();
        try {
            s.start();
        } catch (RuntimeException e) {
            sessions.shutdownNow();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException("cannot listen on " + settings.listen() + ": " + cause.getMessage(), cause);
        }
        server = s;
        logger.info("Probe sink listening. address={} port={} domains={} starttls={}", bind.getHostAddress(), port(),
                settings.domains(), settings.tls() == null ? "off" : settings.requireTls() ? "required" : "offered");
    }

    /** The bound port (the real one when the settings asked for port 0); -1 before {@link #start()}. */
    public synchronized int port() {
        return server == null ? -1 : server.getPortAllocated();
    }

    /** Connections open now. */
    public int openConnections() {
        return open.get();
    }

    /** Tokens remembered now to refuse their replay; bounded by the replay window's capacity. */
    public int rememberedTokens() {
        return context.seen().size();
    }

    /** Stops accepting, closes every connection and waits for their threads. Never throws. */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (RuntimeException e) {
            logger.warn("Stopping the probe sink failed; ignored. error={}", e.toString());
        }
        connections.values().forEach(c -> c.armed.close());
        connections.clear();
        server = null;
    }

    /**
     * STARTTLS (RFC 3207) with the configured key, the JDK's default protocols and suites (not
     * SubEthaSMTP's "everything supported"), and no reverse DNS lookup of the peer.
     */
    private SSLSocket startTls(Socket socket) throws IOException {
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        // Only called when STARTTLS is offered, which it is only with a key.
        SSLSocket tls = (SSLSocket) Objects.requireNonNull(settings.tls()).getSocketFactory()
                .createSocket(socket, remote.getAddress().getHostAddress(), remote.getPort(), true);
        tls.setUseClientMode(false);
        return tls;
    }

    static String peer(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress a = (InetSocketAddress) address;
            String host = a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
            return host + ":" + a.getPort();
        }
        return String.valueOf(address);
    }

    /** Counts connections (in all and per source), stamps them, and closes any that outlive the lifetime limit. */
    private final class Sessions implements SessionHandler {
        @Override
        public SessionAcceptance accept(Session session) {
            Socket raw = session.getSocket();
            Instant connectedAt = raw instanceof StampingServerSocket.StampedSocket
                    ? ((StampingServerSocket.StampedSocket) raw).acceptedAt() : context.clock().now();
            String peer = peer(session.getRealRemoteAddress());
            String source = source(session.getRealRemoteAddress());
            if (open.incrementAndGet() > settings.maxConnections()) {
                open.decrementAndGet();
                context.refused(SinkRefusal.TOO_MANY_CONNECTIONS, peer);
                return SessionAcceptance.failure(421, "4.7.0 " + settings.hostName()
                        + " Too many connections, try again later");
            }
            if (perSource.merge(source, 1, Integer::sum) > settings.maxConnectionsPerSource()) {
                release(source);
                open.decrementAndGet();
                context.refused(SinkRefusal.TOO_MANY_FROM_SOURCE, peer);
                return SessionAcceptance.failure(421, "4.7.0 " + settings.hostName()
                        + " Too many connections from your address, try again later");
            }
            Connection connection = new Connection(peer, source, connectedAt, raw);
            connections.put(session, connection);
            connection.armed = Watchdog.arm(context.clock().now(), connectedAt.plus(settings.connectionLifetime()),
                    connection::expire);
            return SessionAcceptance.success();
        }

        @Override
        public void onSessionEnd(Session session) {
            Connection connection = connections.remove(session);
            if (connection == null) {
                return;
            }
            connection.armed.close();
            release(connection.source);
            open.decrementAndGet();
            if (connection.expired) {
                context.refused(SinkRefusal.TIMEOUT, connection.peer());
            }
        }
    }

    private void release(String source) {
        perSource.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** The client's IP address alone: its connections share one limit whatever their ports. */
    static String source(SocketAddress address) {
        if (address instanceof InetSocketAddress && ((InetSocketAddress) address).getAddress() != null) {
            return ((InetSocketAddress) address).getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }

    /** One client connection: who, since when, and its TCP socket for the lifetime watchdog. */
    static final class Connection {
        private final String peer;
        private final String source;
        private final Instant connectedAt;
        private final Socket raw;
        private volatile Watchdog.Armed armed = () -> { };
        private volatile boolean expired;

        Connection(String peer, String source, Instant connectedAt, Socket raw) {
            this.peer = peer;
            this.source = source;
            this.connectedAt = connectedAt;
            this.raw = raw;
        }

        String peer() {
            return peer;
        }

        Instant connectedAt() {
            return connectedAt;
        }

        /** Closes the TCP socket under any TLS layer: that unblocks the session's read at once. */
        private void expire() {
            expired = true;
            try {
                raw.close();
            } catch (IOException e) {
                logger.debug("Closing an expired sink connection failed; ignored. peer={} error={}", peer, e.toString());
            }
        }
    }

    /** What a transaction needs of the sink; the listener is shielded from throwing into SMTP. */
    record Context(SinkSettings settings, TokenSigner signer, SinkListener listener, ProbeClock clock,
            SeenTokens seen) {
        void delivered(SinkDelivery delivery) {
            logger.debug("Probe received at the sink. probe={} peer={} tls={}", delivery.token().key(),
                    delivery.peer(), delivery.tlsProtocol());
            try {
                listener.delivered(delivery);
            } catch (RuntimeException e) {
                logger.warn("The sink listener failed on a delivery; the probe is still accepted. probe={}",
                        delivery.token().key(), e);
            }
        }

        void refused(SinkRefusal reason, String peer) {
            logger.debug("Sink refused. reason={} peer={}", reason.label(), peer);
            try {
                listener.refused(reason, peer);
            } catch (RuntimeException e) {
                logger.warn("The sink listener failed on a refusal; ignored. reason={}", reason.label(), e);
            }
        }
    }
}
