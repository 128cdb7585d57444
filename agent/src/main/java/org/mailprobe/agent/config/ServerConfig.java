package org.mailprobe.agent.config;

import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;

/**
 * A server at the provider, by the name routes refer to it.
 *
 * @param name the key under {@code servers:}
 * @param protocol what it speaks
 * @param endpoint host, port and TLS mode
 * @param tls which certificates are trusted
 * @param timeouts per-operation connect and read timeouts
 * @param webmail the webmail's URL and driver; exactly for {@code protocol: webmail}, else null
 */
public record ServerConfig(String name, Protocol protocol, ServerEndpoint endpoint, TlsPolicy tls, Timeouts timeouts,
        @Nullable WebmailConfig webmail) {
    public ServerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(timeouts, "timeouts");
        if ((protocol == Protocol.WEBMAIL) != (webmail != null)) {
            throw new IllegalArgumentException("a webmail server, and only one, has webmail settings");
        }
    }

    /** A mail server (smtp, imap, pop3). */
    public ServerConfig(String name, Protocol protocol, ServerEndpoint endpoint, TlsPolicy tls, Timeouts timeouts) {
        this(name, protocol, endpoint, tls, timeouts, null);
    }
}
