package org.mailprobe.probes.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLSocketFactory;

/**
 * A TLS socket factory that only layers TLS on a socket mailprobe connected itself (the one
 * {@code createSocket(Socket, ...)} Angus Mail calls with its {@code socketFactory} set): every
 * other way to make a socket is refused, so no connection escapes the timing and the read bounds.
 */
abstract class LayeringSslSocketFactory extends SSLSocketFactory {
    private static final String ONLY_LAYERING = "mailprobe layers TLS on its own connected sockets only";

    /** The factory whose cipher suites this one offers. */
    abstract SSLSocketFactory delegate();

    @Override
    public final String[] getDefaultCipherSuites() {
        return delegate().getDefaultCipherSuites();
    }

    @Override
    public final String[] getSupportedCipherSuites() {
        return delegate().getSupportedCipherSuites();
    }

    @Override
    public final Socket createSocket() throws IOException {
        throw new IOException(ONLY_LAYERING);
    }

    @Override
    public final Socket createSocket(String host, int port) throws IOException {
        throw new IOException(ONLY_LAYERING);
    }

    @Override
    public final Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new IOException(ONLY_LAYERING);
    }

    @Override
    public final Socket createSocket(InetAddress host, int port) throws IOException {
        throw new IOException(ONLY_LAYERING);
    }

    @Override
    public final Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        throw new IOException(ONLY_LAYERING);
    }
}
