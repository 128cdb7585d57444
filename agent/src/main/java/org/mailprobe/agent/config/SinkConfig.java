package org.mailprobe.agent.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

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
 * @param connectionTimeout an idle connection is closed after this long
 */
public record SinkConfig(InetSocketAddress listen, java.net.URI remote, String hostname, List<String> domains,
        Path certificateFile, Path keyFile, int maxMessageBytes, int maxConnections, Duration connectionTimeout) {
    public SinkConfig {
        if ((listen == null) == (remote == null)) {
            throw new IllegalArgumentException("a sink either listens itself or is remote");
        }
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(connectionTimeout, "connectionTimeout");
        domains = List.copyOf(domains);
        if (domains.isEmpty()) {
            throw new IllegalArgumentException("a sink needs at least one domain");
        }
        if ((certificateFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("give both a certificate and its key, or neither");
        }
    }

    /** True if the sink accepts mail for {@code address}. */
    public boolean accepts(String address) {
        int at = address.lastIndexOf('@');
        return at > 0 && domains.contains(address.substring(at + 1).toLowerCase(java.util.Locale.ROOT));
    }

    /** The name a sink's arrivals are reported under: one per sink, whatever the domain. */
    public String mailboxName() {
        return remote != null ? "sink@" + remote.getAuthority() : "sink@" + listen.getHostString() + ":" + listen.getPort();
    }
}
