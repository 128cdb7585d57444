package org.mailprobe.probes.internal;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import org.mailprobe.probes.Stage;

/**
 * Hands Angus Mail an unconnected socket that marks the end of the TCP connect on a
 * {@link StageTimeline}, and remembers it so the deadline watchdog can close it from another
 * thread (Angus Mail's transport methods are synchronized, so closing the transport would wait
 * for the very call that hangs). Its reads are bounded by {@link BoundedReads}.
 */
public final class TimingSocketFactory extends UnconnectedSocketFactory {
    private final StageTimeline timeline;
    private final Stage afterConnect;
    private final SocketHolder holder;
    private final BoundedReads reads;

    public TimingSocketFactory(StageTimeline timeline, Stage afterConnect, SocketHolder holder, BoundedReads reads) {
        this.timeline = timeline;
        this.afterConnect = afterConnect;
        this.holder = holder;
        this.reads = reads;
    }

    @Override
    public Socket createSocket() {
        // Bounded until TLS is layered on it; then above TLS (TimingSslSocketFactory).
        BoundedReads.BoundedSocket socket = new BoundedReads.BoundedSocket() {
            @Override
            public void connect(SocketAddress endpoint, int timeout) throws IOException {
                timeline.begin(Stage.CONNECT);
                super.connect(endpoint, timeout);
                timeline.begin(afterConnect);
            }
        };
        socket.guardWith(reads.guard(socket));
        holder.set(socket);
        return socket;
    }
}
