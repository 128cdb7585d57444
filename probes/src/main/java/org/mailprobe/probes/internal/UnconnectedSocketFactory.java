package org.mailprobe.probes.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;

/**
 * A socket factory that hands out unconnected sockets only (Angus Mail connects them itself, with
 * its connect timeout): every way to get an already connected socket is refused, so no connection
 * escapes the timing and the read bounds.
 */
abstract class UnconnectedSocketFactory extends SocketFactory {
    private static final String ONLY_UNCONNECTED = "mailprobe creates unconnected sockets only";

    @Override
    public abstract Socket createSocket();

    @Override
    public final Socket createSocket(String host, int port) throws IOException {
        throw new IOException(ONLY_UNCONNECTED);
    }

    @Override
    public final Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new IOException(ONLY_UNCONNECTED);
    }

    @Override
    public final Socket createSocket(InetAddress host, int port) throws IOException {
        throw new IOException(ONLY_UNCONNECTED);
    }

    @Override
    public final Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        throw new IOException(ONLY_UNCONNECTED);
    }
}
