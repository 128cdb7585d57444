package org.mailprobe.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Reads {@code sink:}, the agent's own SMTP receiver for send routes. */
// Not checked by NullAway: a reader takes a value as null once it has recorded a problem with it, and
// builds a config record only when no problem was recorded since it began (the problems.count() >
// before check returns first); NullAway cannot follow that count. Its signatures are annotated, so
// every caller is checked. Restructuring the readers so that the checker can see it is a follow-up.
@SuppressWarnings("NullAway")
final class SinkReader {
    static final List<String> KEYS = List.of("listen", "remote", "hostname", "domains", "tls_certificate_file", "tls_key_file",
            "max_message_bytes", "max_connections", "connection_timeout", "max_connections_per_source",
            "connection_lifetime", "replay_window", "feed_key_file", "ca_file", "insecure_plain_http", "timeout");
    /** Keys of a remote sink's section; the others belong to the sink's own config. */
    static final List<String> REMOTE_KEYS = List.of("remote", "domains", "feed_key_file", "ca_file",
            "insecure_plain_http", "timeout");
    private static final org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(SinkReader.class);

    private final Mapping sink;
    private final @Nullable Problems problems;
    private final String agentHostname;
    private final SecretReader secrets;

    /** {@code sink} null: there is no sink section. */
    SinkReader(Mapping sink, String agentHostname, SecretReader secrets) {
        this.sink = sink;
        this.problems = sink == null ? null : sink.problems();
        this.agentHostname = agentHostname;
        this.secrets = secrets;
    }

    /** The sink; null if there is none or it has problems (reported). */
    @Nullable SinkConfig read() {
        if (sink == null) {
            return null;
        }
        int before = problems.count();
        if (sink.has("remote")) {
            return remote(before);
        }
        InetSocketAddress listen = listen();
        String hostname = sink.string("hostname");
        if (hostname != null && !ConfigLoader.isHostname(hostname)) {
            problems.add(sink.pathOf("hostname"), "'" + hostname + "' is not a host name");
        }
        List<String> domains = domains();
        Path certificate = readable("tls_certificate_file");
        Path key = readable("tls_key_file");
        if ((sink.has("tls_certificate_file")) != (sink.has("tls_key_file"))) {
            problems.add(sink.pathOf(sink.has("tls_key_file") ? "tls_certificate_file" : "tls_key_file"),
                    "is required with " + (sink.has("tls_key_file") ? "tls_key_file" : "tls_certificate_file")
                            + ": STARTTLS needs both the certificate chain and its key (PEM)");
        }
        Integer maxBytes = sink.integer("max_message_bytes", 1024, Integer.MAX_VALUE);
        Integer maxConnections = sink.integer("max_connections", 1, 10_000);
        Duration timeout = sink.duration("connection_timeout", Duration.ofSeconds(1));
        Integer perSource = sink.integer("max_connections_per_source", 1, 10_000);
        Duration lifetime = sink.duration("connection_lifetime", Duration.ofSeconds(10));
        Duration replay = sink.duration("replay_window", Duration.ofMinutes(1));
        for (String remoteOnly : List.of("ca_file", "insecure_plain_http", "timeout")) {
            if (sink.has(remoteOnly)) {
                problems.add(sink.pathOf(remoteOnly), "is for reading a remote sink; give it with remote:");
            }
        }
        org.mailprobe.probes.Secret feedKey = feedKey();
        if (problems.count() > before || listen == null || domains == null) {
            return null;
        }
        int connections = maxConnections != null ? maxConnections : Defaults.SINK_MAX_CONNECTIONS;
        int fromOne = perSource != null ? perSource : Math.min(connections, Defaults.SINK_MAX_CONNECTIONS_PER_SOURCE);
        if (fromOne > connections) {
            problems.add(sink.pathOf("max_connections_per_source"), fromOne + " is more than max_connections ("
                    + connections + ")");
            return null;
        }
        return new SinkConfig(listen, null, hostname != null ? hostname : agentHostname, domains, certificate, key,
                maxBytes != null ? maxBytes : Defaults.SINK_MAX_MESSAGE_BYTES, connections,
                timeout != null ? timeout : Defaults.SINK_CONNECTION_TIMEOUT,
                new SinkConfig.Limits(fromOne, lifetime != null ? lifetime : Defaults.SINK_CONNECTION_LIFETIME,
                        replay != null ? replay : Defaults.SINK_REPLAY_WINDOW),
                new SinkConfig.Feed(feedKey, null, false, Defaults.SINK_REMOTE_TIMEOUT, Defaults.SINK_REMOTE_MAX_BYTES));
    }

    /** The shared feed key, read like the agent's key; null if not configured (or reported). */
    private org.mailprobe.probes.@Nullable Secret feedKey() {
        Path file = sink.file("feed_key_file");
        if (file == null) {
            return null;
        }
        byte[] bytes = secrets.key(sink.pathOf("feed_key_file"), file);
        if (bytes == null) {
            return null;
        }
        org.mailprobe.probes.Secret key = org.mailprobe.probes.Secret.of(
                new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1));
        java.util.Arrays.fill(bytes, (byte) 0);
        return key;
    }

    /** A sink run by {@code mailprobe sink} elsewhere: only its feed's URL and its domains. */
    private @Nullable SinkConfig remote(int before) {
        for (String key : KEYS) {
            if (!REMOTE_KEYS.contains(key) && sink.has(key)) {
                problems.add(sink.pathOf(key), "belongs to the config of the remote sink itself; here give only "
                        + String.join(", ", REMOTE_KEYS));
            }
        }
        String text = sink.string("remote");
        java.net.URI uri = null;
        try {
            uri = text == null ? null : new java.net.URI(text);
        } catch (java.net.URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            problems.add(sink.pathOf("remote"), "'" + text + "' is not an http(s) URL of a mailprobe sink's web "
                    + "endpoint, e.g. http://sink.example.net:9321");
        }
        List<String> domains = domains();
        Path ca = readable("ca_file");
        Boolean plain = sink.bool("insecure_plain_http");
        Duration timeout = sink.positiveDuration("timeout");
        org.mailprobe.probes.Secret feedKey = feedKey();
        if (uri != null && "http".equals(uri.getScheme()) && !Boolean.TRUE.equals(plain)) {
            problems.add(sink.pathOf("remote"), "'" + text + "' is plain http: anyone on the path reads the feed; use "
                    + "https (with ca_file for a private CA), or set insecure_plain_http: true to accept that");
        }
        if (ca != null && uri != null && "http".equals(uri.getScheme())) {
            problems.add(sink.pathOf("ca_file"), "is for https; the remote URL is plain http");
        }
        if (problems.count() > before || domains == null) {
            return null;
        }
        if (Boolean.TRUE.equals(plain)) {
            logger.warn("INSECURE: sink.insecure_plain_http is true; the remote sink's feed may travel in clear. "
                    + "remote={}", uri);
        }
        return new SinkConfig(null, uri, agentHostname, domains, null, null, Defaults.SINK_MAX_MESSAGE_BYTES,
                Defaults.SINK_MAX_CONNECTIONS, Defaults.SINK_CONNECTION_TIMEOUT, SinkConfig.Limits.DEFAULTS,
                new SinkConfig.Feed(feedKey, ca, Boolean.TRUE.equals(plain),
                        timeout != null ? timeout : Defaults.SINK_REMOTE_TIMEOUT, Defaults.SINK_REMOTE_MAX_BYTES));
    }

    private @Nullable InetSocketAddress listen() {
        String text = sink.string("listen");
        if (text == null) {
            problems.add(sink.pathOf("listen"), "is required: the address to listen on, e.g. 0.0.0.0:25 (or give "
                    + "remote: the URL of a sink run elsewhere)");
            return null;
        }
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? "" : text.substring(0, colon);
        String portText = colon < 0 ? text : text.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            problems.add(sink.pathOf("listen"), "'" + text + "' is not host:port or :port (e.g. 0.0.0.0:25)");
            return null;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        // Not resolved here: a literal address is the usual thing, and binding reports a bad name.
        return host.isEmpty() ? new InetSocketAddress(port) : InetSocketAddress.createUnresolved(host, port);
    }

    private @Nullable List<String> domains() {
        List<JsonNode> items = sink.list("domains");
        if (items == null) {
            if (!sink.has("domains")) {
                problems.add(sink.pathOf("domains"), "is required: the recipient domains the sink accepts (the "
                        + "provider must deliver them here: an MX record, or a transport for a test domain)");
            }
            return null;
        }
        List<String> domains = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode d = items.get(i);
            String domain = d.isTextual() ? d.asText().trim().toLowerCase(Locale.ROOT) : null;
            if (domain == null || domain.isEmpty() || domain.contains("@") || !ConfigLoader.isHostname(domain)) {
                problems.add(sink.pathOf("domains") + "[" + i + "]", Mapping.describe(d) + " is not a domain");
            } else if (!domains.contains(domain)) {
                domains.add(domain);
            }
        }
        if (domains.isEmpty()) {
            problems.add(sink.pathOf("domains"), "needs at least one domain");
            return null;
        }
        return domains;
    }

    private @Nullable Path readable(String key) {
        Path file = sink.file(key);
        if (file != null && !Files.isReadable(file)) {
            problems.add(sink.pathOf(key), file + " cannot be read");
            return null;
        }
        return file;
    }
}
