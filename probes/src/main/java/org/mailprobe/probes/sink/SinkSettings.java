package org.mailprobe.probes.sink;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/**
 * Where and how the {@link ProbeSink} listens.
 *
 * @param listen address and port to bind; port 0 picks a free port
 * @param domains the recipient domains the sink accepts mail for; compared case-insensitively,
 *     stored lowercase; anything else is refused at RCPT (the sink never relays)
 * @param hostName the name in the greeting and the EHLO reply
 * @param tls the certificate for STARTTLS; null offers no STARTTLS
 * @param requireTls refuse MAIL before STARTTLS (530); needs {@code tls}
 * @param maxMessageBytes larger messages are refused with 552 (default 1 MiB; a probe is ~2 KiB)
 * @param maxConnections connections served at once; more are refused with 421 (default 20)
 * @param maxConnectionsPerSource connections served at once from one IP address; more are refused
 *     with 421 (default 4), so that one client holding connections open cannot lock out the
 *     provider's servers, which deliver from other addresses
 * @param readTimeout the idle deadline: how long the client may send nothing (default 60 s)
 * @param connectionLifetime the longest a connection may stay open, however busy, so that a client
 *     trickling bytes or sending NOOPs costs only its own connection (default 6 min: above Postfix's
 *     300 s {@code smtp_connection_reuse_time_limit} with a minute for the delivery begun last, so
 *     a provider reusing a connection is not cut off mid-delivery, which would delay the probe and
 *     count against the provider)
 * @param replay which tokens are accepted: each once, within its window
 */
public record SinkSettings(InetSocketAddress listen, Set<String> domains, String hostName, @Nullable SSLContext tls,
        boolean requireTls, int maxMessageBytes, int maxConnections, int maxConnectionsPerSource,
        Duration readTimeout, Duration connectionLifetime, ReplayWindow replay) {
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_CONNECTIONS = 20;
    public static final int DEFAULT_MAX_CONNECTIONS_PER_SOURCE = 4;
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_CONNECTION_LIFETIME = Duration.ofMinutes(6);

    public SinkSettings {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(connectionLifetime, "connectionLifetime");
        Objects.requireNonNull(replay, "replay");
        if (domains == null || domains.isEmpty()) {
            throw new IllegalArgumentException("the sink needs at least one domain to accept mail for");
        }
        domains = domains.stream().map(SinkSettings::normalize).collect(Collectors.toUnmodifiableSet());
        if (hostName.isBlank()) {
            throw new IllegalArgumentException("hostName is empty");
        }
        if (requireTls && tls == null) {
            throw new IllegalArgumentException("requireTls needs a TLS certificate");
        }
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("maxMessageBytes " + maxMessageBytes + " is below 1024");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1");
        }
        if (maxConnectionsPerSource < 1) {
            throw new IllegalArgumentException("maxConnectionsPerSource must be at least 1");
        }
        if (readTimeout.isNegative() || readTimeout.isZero() || connectionLifetime.isNegative()
                || connectionLifetime.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** A plain sink (no STARTTLS) with every limit at its default. */
    public static SinkSettings of(InetSocketAddress listen, Set<String> domains, String hostName) {
        return new SinkSettings(listen, domains, hostName, null, false, DEFAULT_MAX_MESSAGE_BYTES,
                DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_SOURCE, DEFAULT_READ_TIMEOUT,
                DEFAULT_CONNECTION_LIFETIME, ReplayWindow.defaults());
    }

    /** The same settings offering STARTTLS with {@code context}'s key; {@code required} refuses MAIL in clear. */
    public SinkSettings withTls(SSLContext context, boolean required) {
        return new SinkSettings(listen, domains, hostName, Objects.requireNonNull(context, "context"), required,
                maxMessageBytes, maxConnections, maxConnectionsPerSource, readTimeout, connectionLifetime, replay);
    }

    /** The same settings with other limits. */
    public SinkSettings withLimits(int maxMessageBytes, int maxConnections, Duration readTimeout,
            Duration connectionLifetime) {
        return new SinkSettings(listen, domains, hostName, tls, requireTls, maxMessageBytes, maxConnections,
                maxConnectionsPerSource, readTimeout, connectionLifetime, replay);
    }

    /** The same settings with another per-source connection limit. */
    public SinkSettings withMaxConnectionsPerSource(int perSource) {
        return new SinkSettings(listen, domains, hostName, tls, requireTls, maxMessageBytes, maxConnections,
                perSource, readTimeout, connectionLifetime, replay);
    }

    /** The same settings with another replay window. */
    public SinkSettings withReplay(ReplayWindow window) {
        return new SinkSettings(listen, domains, hostName, tls, requireTls, maxMessageBytes, maxConnections,
                maxConnectionsPerSource, readTimeout, connectionLifetime, window);
    }

    /** Whether {@code domain} is one of ours (case and a trailing dot ignored). */
    public boolean accepts(String domain) {
        return domain != null && domains.contains(normalize(domain));
    }

    private static String normalize(String domain) {
        String d = domain.trim().toLowerCase(Locale.ROOT);
        return d.endsWith(".") ? d.substring(0, d.length() - 1) : d;
    }

    @Override
    public String toString() {
        return "SinkSettings[listen=" + listen + ", domains=" + domains + ", hostName=" + hostName + ", starttls="
                + (tls == null ? "off" : requireTls ? "required" : "offered") + ", maxMessageBytes=" + maxMessageBytes
                + ", maxConnections=" + maxConnections + ", maxConnectionsPerSource=" + maxConnectionsPerSource
                + ", readTimeout=" + readTimeout + ", connectionLifetime=" + connectionLifetime + ", replay=" + replay
                + "]";
    }
}
