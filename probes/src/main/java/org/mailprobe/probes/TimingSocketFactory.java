package org.mailprobe.probes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.SocketFactory;

/**
 * Hands Angus Mail an unconnected socket that marks the end of the TCP connect on a
 * {@link StageTimeline}, and remembers it so the deadline watchdog can close it from another
 * thread (Angus Mail's transport methods are synchronized, so closing the transport would wait
 * for the very call that hangs). Its reads are bounded by {@link BoundedReads}.
 */
final class TimingSocketFactory extends SocketFactory {
    private final StageTimeline timeline;
    private final Stage afterConnect;
    private final SocketHolder holder;
    private final BoundedReads reads;

    TimingSocketFactory(StageTimeline timeline, Stage afterConnect, SocketHolder holder, BoundedReads reads) {
        this.timeline = timeline;
        this.afterConnect = afterConnect;
        this.holder = holder;
        this.reads = reads;
    }

    @Override
    public Socket createSocket() {
        BoundedReads.Guard[] guard = new BoundedReads.Guard[1];
        Socket socket = new Socket() {
            @Override
            public void connect(SocketAddress endpoint, int timeout) throws IOException {
                timeline.begin(Stage.CONNECT);
                super.connect(endpoint, timeout);
                timeline.begin(afterConnect);
            }

            // Bounded until TLS is layered on it; then above TLS (TimingSslSocketFactory).
            @Override
            public InputStream getInputStream() throws IOException {
                return guard[0].tlsLayered() ? super.getInputStream() : guard[0].bounded(super.getInputStream());
            }

            @Override
            public OutputStream getOutputStream() throws IOException {
                return guard[0].tlsLayered() ? super.getOutputStream() : guard[0].counted(super.getOutputStream());
            }
        };
        guard[0] = reads.guard(socket);
        holder.set(socket);
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        throw new IOException("mailprobe creates unconnected sockets only");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new IOException("mailprobe creates unconnected sockets only");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        throw new IOException("mailprobe creates unconnected sockets only");
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        throw new IOException("mailprobe creates unconnected sockets only");
    }
}
