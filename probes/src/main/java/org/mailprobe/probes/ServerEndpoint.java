package org.mailprobe.probes;

import java.util.Objects;

/** A server to talk to: host, port and how the connection is protected. */
public record ServerEndpoint(String host, int port, TlsMode tlsMode) {
    public ServerEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(tlsMode, "tlsMode");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 1..65535");
        }
    }

    @Override
    public String toString() {
        return host + ":" + port + " (" + tlsMode.label() + ")";
    }
}
