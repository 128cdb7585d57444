package org.mailprobe.probes.sink;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Instant;
import org.mailprobe.probes.ProbeClock;

/**
 * A server socket that stamps each connection on {@link ProbeClock} the moment it is accepted, on
 * the accepting thread: the sink's connect time, before any hand-off to a session thread.
 */
final class StampingServerSocket extends ServerSocket {
    private final ProbeClock clock;

    StampingServerSocket(ProbeClock clock) throws IOException {
        this.clock = clock;
    }

    @Override
    public Socket accept() throws IOException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        StampedSocket socket = new StampedSocket();
        implAccept(socket);
        socket.acceptedAt = clock.now();
        // Our replies are single writes; without this a multi-line EHLO reply can wait for a
        // delayed ACK and distort the client's view of our timing.
        socket.setTcpNoDelay(true);
        return socket;
    }

    /** An accepted connection and when it was accepted. */
    static final class StampedSocket extends Socket {
        // Set by accept() right after implAccept, before the socket is handed to anyone.
        @SuppressWarnings("NullAway.Init")
        private volatile Instant acceptedAt;

        Instant acceptedAt() {
            return acceptedAt;
        }
    }
}
