package org.mailprobe.probes;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The read bounds of one mail connection ({@link ReadLimits}), put under Angus Mail through the
 * socket factories it takes ({@code mail.P.socketFactory}, {@code mail.P.ssl.socketFactory}).
 * A command is what the client writes; its answer is everything read until the client writes
 * again. The size bounds are checked by {@link BoundedInputStream} on the clear text (above TLS);
 * the command deadline by a timer that closes the connection's TCP socket when a read has waited
 * too long since the last command, which ends the read at once whatever Angus is doing.
 */
final class BoundedReads implements AutoCloseable {
    private static final ScheduledExecutorService TIMER =
            Executors.newSingleThreadScheduledExecutor(MailSessions.daemonThreads("mailprobe-command-deadline"));
    /** How late past its deadline a command may be ended. */
    private static final long TICK_MILLIS = 100;

    private final ReadLimits limits;
    private final SSLSocketFactory tls;
    // All guarded by this.
    private long commandStartNanos = System.nanoTime();
    private long responseBytes;
    private long responseMax;
    private long nextResponseMax;
    private boolean readSinceWrite = true;
    private int reading;
    private boolean expired;
    private boolean closed;
    private boolean tlsLayered;
    private Socket tcp;
    private ScheduledFuture<?> ticker;

    BoundedReads(ReadLimits limits, SSLSocketFactory tls) {
        this.limits = limits;
        this.tls = tls;
        this.responseMax = limits.maxResponse();
    }

    /** Plain connections and STARTTLS: an unconnected socket whose streams are bounded. */
    SocketFactory plainFactory() {
        return new PlainFactory();
    }

    /** TLS, implicit or after STARTTLS: the policy's TLS socket with bounded streams above it. */
    SSLSocketFactory tlsFactory() {
        return new TlsFactory();
    }

    /**
     * The answer to the next command may be at most {@code bytes} (e.g. a POP3 TOP); the command
     * after it gets the default again.
     */
    synchronized void limitNextResponse(long bytes) {
        nextResponseMax = Math.min(bytes, limits.maxResponse());
    }

    /** True once the command deadline closed the connection. */
    synchronized boolean expired() {
        return expired;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (ticker != null) {
            ticker.cancel(false);
            ticker = null;
        }
    }

    interface Read {
        int read() throws IOException;
    }

    /** Runs one read of the server's stream under the command deadline. */
    int read(Read read) throws IOException {
        synchronized (this) {
            reading++;
            if (ticker == null && !closed && limits.commandDeadline() != null) {
                ticker = TIMER.scheduleWithFixedDelay(this::check, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
            }
        }
        int n;
        try {
            n = read.read();
        } catch (IOException e) {
            throw timedOut(e);
        } finally {
            synchronized (this) {
                reading--;
                readSinceWrite = true;
            }
        }
        if (n < 0 && expired()) {
            throw timedOut(null);
        }
        return n;
    }

    synchronized void received(int n) throws ReplyTooLongException {
        responseBytes += n;
        if (responseBytes > responseMax) {
            throw new ReplyTooLongException("the server answered one command with more than " + responseMax + " bytes");
        }
    }

    /** The client wrote (part of) a command: a new answer begins. */
    synchronized void written() {
        if (readSinceWrite) {
            readSinceWrite = false;
            responseBytes = 0;
            responseMax = limits.maxResponse();
        }
        if (nextResponseMax > 0) {
            responseMax = nextResponseMax;
            nextResponseMax = 0;
        }
        commandStartNanos = System.nanoTime();
    }

    private IOException timedOut(IOException e) {
        if (!expired()) {
            return e;
        }
        SocketTimeoutException t = new SocketTimeoutException("the server did not finish its answer within "
                + limits.commandDeadline().toMillis() + " ms of the command");
        if (e != null) {
            t.initCause(e);
        }
        return t;
    }

    private void check() {
        Socket toClose;
        synchronized (this) {
            if (closed || expired || reading == 0
                    || System.nanoTime() - commandStartNanos < limits.commandDeadline().toNanos()) {
                return;
            }
            expired = true;
            toClose = tcp;
        }
        if (toClose != null) {
            try {
                toClose.close();
            } catch (IOException ignored) {
                // closing to abort; the blocked read fails either way
            }
        }
    }

    /** TLS is being layered on {@code plain}: from now on its bytes are ciphertext, bounded above TLS. */
    void layeringTls(Socket plain) {
        tcp(plain, true);
    }

    private synchronized void tcp(Socket s, boolean layeringTls) {
        tcp = s;
        tlsLayered |= layeringTls;
    }

    synchronized boolean tlsLayered() {
        return tlsLayered;
    }

    InputStream bounded(InputStream in) {
        return new BoundedInputStream(in, this, limits);
    }

    OutputStream counted(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                written();
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                written();
                out.write(b, off, len);
            }
        };
    }

    private final class PlainFactory extends SocketFactory {
        @Override
        public Socket createSocket() {
            Socket socket = new Socket() {
                // Once TLS is layered on this socket its bytes are ciphertext: bounded above TLS instead.
                @Override
                public InputStream getInputStream() throws IOException {
                    return tlsLayered() ? super.getInputStream() : bounded(super.getInputStream());
                }

                @Override
                public OutputStream getOutputStream() throws IOException {
                    return tlsLayered() ? super.getOutputStream() : counted(super.getOutputStream());
                }
            };
            tcp(socket, false);
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

    private final class TlsFactory extends SSLSocketFactory {
        @Override
        public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
            tcp(plain, true);
            Socket s = tls.createSocket(plain, host, port, autoClose);
            return s instanceof SSLSocket ? new BoundedSslSocket((SSLSocket) s, BoundedReads.this) : s;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return tls.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return tls.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            throw new IOException("mailprobe layers TLS on its own connected sockets only");
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            throw new IOException("mailprobe layers TLS on its own connected sockets only");
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            throw new IOException("mailprobe layers TLS on its own connected sockets only");
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            throw new IOException("mailprobe layers TLS on its own connected sockets only");
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            throw new IOException("mailprobe layers TLS on its own connected sockets only");
        }
    }
}
