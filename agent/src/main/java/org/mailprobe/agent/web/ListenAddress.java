package org.mailprobe.agent.web;

import java.net.InetSocketAddress;

/** Parses a Prometheus-style listen address: {@code :9321}, {@code 127.0.0.1:9321}, {@code [::1]:9321}. */
public final class ListenAddress {
    /** The default port; Prometheus exporters each pick one, this is ours. */
    public static final int DEFAULT_PORT = 9321;
    public static final String DEFAULT = ":" + DEFAULT_PORT;

    private ListenAddress() {}

    public static InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("listen address '" + text + "' has no port; write host:port or :port");
        }
        String host = text.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("listen address '" + text + "': the port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("listen address '" + text + "': port outside 0..65535");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }
}
