package org.mailprobe.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads {@code sink:}, the agent's own SMTP receiver for send routes. */
final class SinkReader {
    static final List<String> KEYS = List.of("listen", "remote", "hostname", "domains", "tls_certificate_file", "tls_key_file",
            "max_message_bytes", "max_connections", "connection_timeout");

    private final Mapping sink;
    private final Problems problems;
    private final String agentHostname;

    /** {@code sink} null: there is no sink section. */
    SinkReader(Mapping sink, String agentHostname) {
        this.sink = sink;
        this.problems = sink == null ? null : sink.problems();
        this.agentHostname = agentHostname;
    }

    /** The sink; null if there is none or it has problems (reported). */
    SinkConfig read() {
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
        if (problems.count() > before || listen == null || domains == null) {
            return null;
        }
        return new SinkConfig(listen, null, hostname != null ? hostname : agentHostname, domains, certificate, key,
                maxBytes != null ? maxBytes : Defaults.SINK_MAX_MESSAGE_BYTES,
                maxConnections != null ? maxConnections : Defaults.SINK_MAX_CONNECTIONS,
                timeout != null ? timeout : Defaults.SINK_CONNECTION_TIMEOUT);
    }

    /** A sink run by {@code mailprobe sink} elsewhere: only its feed's URL and its domains. */
    private SinkConfig remote(int before) {
        for (String key : KEYS) {
            if (!key.equals("remote") && !key.equals("domains") && sink.has(key)) {
                problems.add(sink.pathOf(key), "belongs to the config of the remote sink itself; here give only "
                        + "remote and domains");
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
        if (problems.count() > before || domains == null) {
            return null;
        }
        return new SinkConfig(null, uri, agentHostname, domains, null, null, Defaults.SINK_MAX_MESSAGE_BYTES,
                Defaults.SINK_MAX_CONNECTIONS, Defaults.SINK_CONNECTION_TIMEOUT);
    }

    private InetSocketAddress listen() {
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

    private List<String> domains() {
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

    private Path readable(String key) {
        Path file = sink.file(key);
        if (file != null && !Files.isReadable(file)) {
            problems.add(sink.pathOf(key), file + " cannot be read");
            return null;
        }
        return file;
    }
}
