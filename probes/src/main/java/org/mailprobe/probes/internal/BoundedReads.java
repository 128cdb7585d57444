package org.mailprobe.probes.internal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/**
 * The read bounds ({@link ReadLimits}) of the connections one mail session opens, put under Angus
 * Mail through the socket factories it takes ({@code mail.P.socketFactory},
 * {@code mail.P.ssl.socketFactory}); Angus's IMAP store opens more than one connection, each
 * bounded on its own ({@link Guard}). A command is what the client writes; its answer is
 * everything read until the client writes again. The size bounds are checked by
 * {@link BoundedInputStream} on the clear text (above TLS); the command deadline by a timer that
 * closes the connection's TCP socket when a read has waited too long since the last command, which
 * ends the read at once whatever Angus is doing. An IMAP IDLE, seen as its command line is written,
 * gets {@link ReadLimits#idleDeadline()} where there is one; the DONE that ends it is a new command.
 */
public final class BoundedReads implements AutoCloseable {
    private static final ScheduledExecutorService TIMER =
            Executors.newSingleThreadScheduledExecutor(MailSessions.daemonThreads("mailprobe-command-deadline"));
    /** How late past its deadline a command may be ended. */
    private static final long TICK_MILLIS = 100;
    /** Longer than any "tag IDLE" or "tag STARTTLS" line Angus writes; a longer line names neither. */
    private static final int MAX_COMMAND_LINE = 40;

    private final ReadLimits limits;
    private final SSLSocketFactory tls;
    private final List<Guard> guards = new CopyOnWriteArrayList<>();
    private volatile @Nullable Guard latest;

    public BoundedReads(ReadLimits limits, SSLSocketFactory tls) {
        this.limits = limits;
        this.tls = tls;
    }

    /** Plain connections and STARTTLS: an unconnected socket whose streams are bounded. */
    public SocketFactory plainFactory() {
        return new PlainFactory();
    }

    /** TLS, implicit or after STARTTLS: the policy's TLS socket with bounded streams above it. */
    public SSLSocketFactory tlsFactory() {
        return new TlsFactory();
    }

    /**
     * The answer to the next command on the connection opened last may be at most {@code bytes}
     * (e.g. a POP3 TOP); the command after it gets the default again.
     */
    public void limitNextResponse(long bytes) {
        Guard g = latest;
        if (g != null) {
            g.limitNextResponse(bytes);
        }
    }

    /** True once the command deadline closed one of the connections. */
    public boolean expired() {
        return guards.stream().anyMatch(Guard::expired);
    }

    /**
     * True if the client asked for TLS (STARTTLS, POP3's STLS) on one of the connections and no TLS
     * was layered on it after: the server did not say yes (or has not yet).
     */
    public boolean startTlsNotLayered() {
        return guards.stream().anyMatch(Guard::startTlsNotLayered);
    }

    @Override
    public void close() {
        guards.forEach(Guard::close);
    }

    /** A new connection's bounds; {@code tcp} is closed at its deadline. */
    Guard guard(Socket tcp) {
        Guard g = new Guard(tcp);
        guards.add(g);
        latest = g;
        return g;
    }

    /**
     * The bounds of the connection {@code plain} belongs to, now that TLS is layered on it: the
     * one a STARTTLS upgrades (Angus hands us its own wrapper of our socket, so it is found by its
     * local port), or a new one for implicit TLS.
     */
    Guard layeringTls(Socket plain) {
        for (Guard g : guards) {
            if (g.sameConnection(plain)) {
                g.layeringTls(plain);
                return g;
            }
        }
        Guard g = guard(plain);
        g.layeringTls(plain);
        return g;
    }

    interface Read {
        int read() throws IOException;
    }

    /** One connection's bounds. */
    final class Guard {
        // All guarded by this.
        private long commandStartNanos = System.nanoTime();
        /** The running command's deadline: the connection's greeting and every command but an IDLE get the default. */
        private long commandDeadlineNanos = nanos(limits.commandDeadline());
        /** The command line being written, up to {@link #MAX_COMMAND_LINE} bytes, to tell an IDLE or a STARTTLS. */
        private final StringBuilder writtenLine = new StringBuilder();
        private boolean startTlsSent;
        private long responseBytes;
        private long responseMax = limits.maxResponse();
        private long nextResponseMax;
        private boolean readSinceWrite = true;
        private int reading;
        private boolean expired;
        private boolean closed;
        private boolean tlsLayered;
        private Socket tcp;
        private @Nullable ScheduledFuture<?> ticker;

        private Guard(Socket tcp) {
            this.tcp = tcp;
        }

        public synchronized void limitNextResponse(long bytes) {
            nextResponseMax = Math.min(bytes, limits.maxResponse());
        }

        public synchronized boolean expired() {
            return expired;
        }

        synchronized void close() {
            closed = true;
            if (ticker != null) {
                ticker.cancel(false);
                ticker = null;
            }
        }

        /** Once TLS is layered on the TCP socket its bytes are ciphertext: bounded above TLS instead. */
        synchronized boolean tlsLayered() {
            return tlsLayered;
        }

        public synchronized boolean startTlsNotLayered() {
            return startTlsSent && !tlsLayered;
        }

        private synchronized void layeringTls(Socket plain) {
            tcp = plain;
            tlsLayered = true;
        }

        private synchronized boolean sameConnection(Socket plain) {
            return tcp != null && !tlsLayered && tcp.getLocalPort() == plain.getLocalPort()
                    && tcp.getPort() == plain.getPort();
        }

        InputStream bounded(InputStream in) {
            return new BoundedInputStream(in, this, limits);
        }

        OutputStream counted(OutputStream out) {
            return new FilterOutputStream(out) {
                @Override
                public void write(int b) throws IOException {
                    written(new byte[] {(byte) b}, 0, 1);
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    written(b, off, len);
                    out.write(b, off, len);
                }
            };
        }

        /** Runs one read of the server's stream under the command deadline. */
        int read(Read read) throws IOException {
            synchronized (this) {
                reading++;
                if (ticker == null && !closed && limits.commandDeadline() != null) {
                    ticker = TIMER.scheduleWithFixedDelay(this::check, TICK_MILLIS, TICK_MILLIS,
                            TimeUnit.MILLISECONDS);
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
                throw new ReplyTooLongException("the server answered one command with more than " + responseMax
                        + " bytes");
            }
        }

        /** The client wrote (part of) a command: a new answer begins. */
        private synchronized void written(byte[] b, int off, int len) {
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
            commandDeadlineNanos = nanos(limits.commandDeadline());
            for (int i = off; i < off + len; i++) {
                commandLineByte(b[i]);
            }
        }

        /**
         * Tells the commands that matter here by their line as it is written: an IDLE gets the IDLE's
         * deadline until the client writes again; a STARTTLS is remembered until TLS is layered.
         */
        private void commandLineByte(byte c) {
            if (c != '\n') {
                if (writtenLine.length() <= MAX_COMMAND_LINE) {
                    writtenLine.append((char) (c & 0xff));
                }
                return;
            }
            String command = bareCommand(writtenLine, limits.maxLiteral() > 0);
            if (command.equals("IDLE") && limits.idleDeadline() != null) {
                commandDeadlineNanos = nanos(limits.idleDeadline());
            }
            if (!tlsLayered && (command.equals("STARTTLS") || command.equals("STLS"))) {
                startTlsSent = true;
            }
            writtenLine.setLength(0);
        }

        private IOException timedOut(@Nullable IOException e) {
            if (!expired() && e != null) {
                return e;
            }
            long deadlineMillis;
            synchronized (this) {
                deadlineMillis = TimeUnit.NANOSECONDS.toMillis(commandDeadlineNanos);
            }
            SocketTimeoutException t = new SocketTimeoutException("the server did not finish its answer within "
                    + deadlineMillis + " ms of the command");
            if (e != null) {
                t.initCause(e);
            }
            return t;
        }

        private void check() {
            Socket toClose;
            synchronized (this) {
                if (closed || expired || reading == 0 || System.nanoTime() - commandStartNanos < commandDeadlineNanos) {
                    return;
                }
                expired = true;
                toClose = tcp;
                if (ticker != null) {
                    ticker.cancel(false);
                    ticker = null;
                }
            }
            try {
                toClose.close();
            } catch (IOException ignored) {
                // closing to abort; the blocked read fails either way
            }
        }
    }

    private static long nanos(@Nullable Duration d) {
        return d == null ? Long.MAX_VALUE : d.toNanos();
    }

    /**
     * The name of a command written without arguments, in upper case: "tag NAME" in IMAP (RFC 3501
     * 9, e.g. IDLE, RFC 2177), "NAME" in POP3 and SMTP; "" for a command with arguments or a line
     * too long to be one.
     */
    static String bareCommand(CharSequence line, boolean tagged) {
        if (line.length() > MAX_COMMAND_LINE) {
            return "";
        }
        String l = line.toString();
        if (l.endsWith("\r")) {
            l = l.substring(0, l.length() - 1);
        }
        String[] words = l.split(" ", -1);
        if (words.length != (tagged ? 2 : 1) || words[0].isEmpty()) {
            return "";
        }
        return words[words.length - 1].toUpperCase(java.util.Locale.ROOT);
    }

    private final class PlainFactory extends UnconnectedSocketFactory {
        @Override
        public Socket createSocket() {
            BoundedSocket socket = new BoundedSocket();
            socket.guardWith(guard(socket));
            return socket;
        }
    }

    /** A plain socket with bounded streams until TLS is layered on it. */
    static class BoundedSocket extends Socket {
        // Set by guardWith() right after construction (the guard needs this socket first); no
        // method of this socket runs before that.
        @SuppressWarnings("NullAway.Init")
        private Guard guard;

        /** Set once, right after construction: the guard needs the socket it guards. */
        final void guardWith(Guard g) {
            guard = g;
        }

        @Override
        public final InputStream getInputStream() throws IOException {
            return guard.tlsLayered() ? super.getInputStream() : guard.bounded(super.getInputStream());
        }

        @Override
        public final OutputStream getOutputStream() throws IOException {
            return guard.tlsLayered() ? super.getOutputStream() : guard.counted(super.getOutputStream());
        }
    }

    private final class TlsFactory extends LayeringSslSocketFactory {
        @Override
        public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
            Guard g = layeringTls(plain);
            Socket s = tls.createSocket(plain, host, port, autoClose);
            return s instanceof SSLSocket ? new BoundedSslSocket((SSLSocket) s, g) : s;
        }

        @Override
        SSLSocketFactory delegate() {
            return tls;
        }
    }
}
