package org.mailprobe.agent.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The agent's own SMTP receiver, where the provider delivers the probes of {@code send} routes.
 *
 * @param listen address and port to listen on; port 25 for a sink the internet delivers to; null
 *     for a remote sink
 * @param remote a sink run elsewhere ({@code mailprobe sink}) whose deliveries this agent reads
 *     from its {@code /sink/deliveries} feed; null for a sink of the agent's own
 * @param hostname the name in the sink's greeting and EHLO reply
 * @param domains recipient domains accepted (lowercase); anything else is refused with 550
 * @param certificateFile PEM certificate chain for STARTTLS; null: STARTTLS is not offered
 * @param keyFile PEM (PKCS#8) private key of that certificate; null with {@code certificateFile}
 * @param maxMessageBytes larger messages are refused (552)
 * @param maxConnections connections beyond this are refused (421)
 * @param connectionTimeout the idle deadline: a connection that sends nothing this long is closed
 * @param limits the per-source limit, the connection lifetime and the replay window
 * @param feed how the sink feed is authenticated and, for a remote sink, read
 */
public record SinkConfig(@Nullable InetSocketAddress listen, java.net.@Nullable URI remote, String hostname, List<String> domains,
        @Nullable Path certificateFile, @Nullable Path keyFile, int maxMessageBytes, int maxConnections,
        Duration connectionTimeout, Limits limits, Feed feed) {
    /**
     * @param maxConnectionsPerSource connections from one IP address beyond this are refused (421)
     * @param connectionLifetime the longest a connection may stay open, however busy
     * @param replayWindow how long after its send time a token is accepted, for a route the sink
     *     does not know (a route it knows: that route's timeout)
     */
    public record Limits(int maxConnectionsPerSource, Duration connectionLifetime, Duration replayWindow) {
        public static final Limits DEFAULTS = new Limits(Defaults.SINK_MAX_CONNECTIONS_PER_SOURCE,
                Defaults.SINK_CONNECTION_LIFETIME, Defaults.SINK_REPLAY_WINDOW);

        public Limits {
            Objects.requireNonNull(connectionLifetime, "connectionLifetime");
            Objects.requireNonNull(replayWindow, "replayWindow");
        }
    }

    /**
     * @param key the key the feed's MACs are made with (shared by the sink and its agents, read
     *     from {@code feed_key_file}, bytes as ISO-8859-1 characters); null: one derived from the
     *     agent's key, which they share already
     * @param caFile a remote sink's https CA (PEM); null: the JVM's trust store
     * @param insecurePlainHttp a remote sink may be read over plain http
     * @param timeout the longest one exchange with a remote sink may take, headers and body
     * @param maxBytes the largest answer accepted from a remote sink
     */
    public record Feed(org.mailprobe.probes.@Nullable Secret key, @Nullable Path caFile, boolean insecurePlainHttp,
            Duration timeout, long maxBytes) {
        public static final Feed DEFAULTS = new Feed(null, null, false, Defaults.SINK_REMOTE_TIMEOUT,
                Defaults.SINK_REMOTE_MAX_BYTES);

        public Feed {
            Objects.requireNonNull(timeout, "timeout");
        }

        /** The key bytes, or null for the derived key. */
        public byte @Nullable [] keyBytes() {
            return key == null ? null : key.reveal().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        /** The same with plain http allowed (tests, loopback). */
        public Feed allowingPlainHttp() {
            return new Feed(key, caFile, true, timeout, maxBytes);
        }
    }

    public SinkConfig {
        if ((listen == null) == (remote == null)) {
            throw new IllegalArgumentException("a sink either listens itself or is remote");
        }
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(connectionTimeout, "connectionTimeout");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(feed, "feed");
        domains = List.copyOf(domains);
        if (domains.isEmpty()) {
            throw new IllegalArgumentException("a sink needs at least one domain");
        }
        if ((certificateFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("give both a certificate and its key, or neither");
        }
    }

    /** A sink with the default limits and feed. */
    public SinkConfig(@Nullable InetSocketAddress listen, java.net.@Nullable URI remote, String hostname, List<String> domains,
            @Nullable Path certificateFile, @Nullable Path keyFile, int maxMessageBytes, int maxConnections,
            Duration connectionTimeout) {
        this(listen, remote, hostname, domains, certificateFile, keyFile, maxMessageBytes, maxConnections,
                connectionTimeout, Limits.DEFAULTS, Feed.DEFAULTS);
    }

    /** The same sink with another feed. */
    public SinkConfig withFeed(Feed other) {
        return new SinkConfig(listen, remote, hostname, domains, certificateFile, keyFile, maxMessageBytes,
                maxConnections, connectionTimeout, limits, other);
    }

    /** True if the sink accepts mail for {@code address}. */
    public boolean accepts(String address) {
        int at = address.lastIndexOf('@');
        return at > 0 && domains.contains(address.substring(at + 1).toLowerCase(java.util.Locale.ROOT));
    }

    /** The name a sink's arrivals are reported under: one per sink, whatever the domain. */
    public String mailboxName() {
        if (remote != null) {
            return "sink@" + remote.getAuthority();
        }
        InetSocketAddress listen = Objects.requireNonNull(this.listen, "a sink listens or reads a remote one");
        return "sink@" + listen.getHostString() + ":" + listen.getPort();
    }
}
