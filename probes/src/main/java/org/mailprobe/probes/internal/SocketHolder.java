package org.mailprobe.probes.internal;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;

/** The sockets of one dialogue, so that a watchdog on another thread can close them. */
public final class SocketHolder {
    private @Nullable Socket socket;
    private boolean closed;
    private @Nullable SSLSocket tls;

    /** Remembers the dialogue's TLS layer, to report its protocol. */
    synchronized void setTls(SSLSocket s) {
        tls = s;
    }

    /** The negotiated TLS protocol (e.g. TLSv1.3); empty if the dialogue never used TLS. */
    public synchronized String tlsProtocol() {
        return tls == null ? "" : tls.getSession().getProtocol();
    }

    public synchronized void set(Socket s) {
        socket = s;
        if (closed) {
            closeQuietly(s);
        }
    }

    /** Closes the socket now and any socket set later. */
    public synchronized void close() {
        closed = true;
        if (socket != null) {
            closeQuietly(socket);
        }
    }

    public synchronized boolean closedByWatchdog() {
        return closed;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing to abort; nothing more to do
        }
    }
}
