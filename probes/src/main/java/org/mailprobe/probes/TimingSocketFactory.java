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
 * for the very call that hangs). Its streams bound what the server may send between two of our
 * writes ({@link ReplyLimit}): Angus Mail reads a reply line, and a multi-line reply, into memory
 * without a limit, so a server sending a line that never ends would otherwise grow the heap at its
 * own pace until the deadline.
 */
final class TimingSocketFactory extends SocketFactory {
    private final StageTimeline timeline;
    private final Stage afterConnect;
    private final SocketHolder holder;

    TimingSocketFactory(StageTimeline timeline, Stage afterConnect, SocketHolder holder) {
        this.timeline = timeline;
        this.afterConnect = afterConnect;
        this.holder = holder;
    }

    @Override
    public Socket createSocket() {
        ReplyLimit limit = new ReplyLimit(ReplyLimit.MAX_REPLY_BYTES);
        Socket socket = new Socket() {
            @Override
            public void connect(SocketAddress endpoint, int timeout) throws IOException {
                timeline.begin(Stage.CONNECT);
                super.connect(endpoint, timeout);
                timeline.begin(afterConnect);
            }

            @Override
            public InputStream getInputStream() throws IOException {
                return limit.input(super.getInputStream());
            }

            @Override
            public OutputStream getOutputStream() throws IOException {
                return limit.output(super.getOutputStream());
            }
        };
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
