package org.mailprobe.probes.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scriptable hostile server on a random loopback port, for tests. Each accepted connection runs
 * the same {@link Step script}: send lines, expect lines, converse like a real server, stall,
 * trickle bytes at a given rate, send an endless line or announce a huge literal, drop the
 * connection, or upgrade to TLS with a given certificate (or start in TLS: implicit). What clients
 * sent is recorded.
 *
 * <p>It is bounded so a test can never be hurt by its own fixture: at most {@link #MAX_CONNECTIONS}
 * connections, each closed at {@link #CONNECTION_LIFETIME}, the server closed by itself at
 * {@link #SERVER_LIFETIME} (a soak run sets its own, {@link #lasting}), lines read capped at {@link #MAX_LINE} bytes, and at most
 * {@link #MAX_RECORDED} lines recorded.
 */
public final class HostileServer implements AutoCloseable {
    public static final int MAX_CONNECTIONS = 64;
    public static final Duration CONNECTION_LIFETIME = Duration.ofSeconds(20);
    public static final Duration SERVER_LIFETIME = Duration.ofMinutes(3);
    public static final int MAX_LINE = 64 * 1024;
    public static final int MAX_RECORDED = 2000;

    /** One step of a connection's script. */
    @FunctionalInterface
    public interface Step {
        void run(Conn conn) throws IOException;
    }

    private final ServerSocket server;
    private final int maxConnections;
    private final Duration serverLifetime;
    private final List<Step> script;
    private final SSLContext implicitTls;
    private final List<String> received = Collections.synchronizedList(new ArrayList<>());
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final long startedNanos = System.nanoTime();
    private final Thread acceptor;
    private final Thread reaper;

    private HostileServer(List<Step> script, SSLContext implicitTls, int maxConnections, Duration serverLifetime)
            throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.maxConnections = maxConnections;
        this.serverLifetime = serverLifetime;
        this.script = List.copyOf(script);
        this.implicitTls = implicitTls;
        this.acceptor = daemon(this::accept, "hostile-server-" + server.getLocalPort());
        this.reaper = daemon(this::reap, "hostile-server-reaper-" + server.getLocalPort());
        acceptor.start();
        reaper.start();
    }

    /** A server in clear that runs {@code steps} on each connection. */
    public static HostileServer plain(Step... steps) throws IOException {
        return new HostileServer(Arrays.asList(steps), null, MAX_CONNECTIONS, SERVER_LIFETIME);
    }

    /** A server that does the TLS handshake with {@code tls} first (465, 993, 995, https). */
    public static HostileServer implicitTls(SSLContext tls, Step... steps) throws IOException {
        return new HostileServer(Arrays.asList(steps), tls, MAX_CONNECTIONS, SERVER_LIFETIME);
    }

    /**
     * A server in clear for a long run (the soak benchmark): up to {@code maxConnections} over
     * {@code lifetime} instead of the test bounds.
     */
    public static HostileServer lasting(Duration lifetime, int maxConnections, Step... steps) throws IOException {
        return new HostileServer(Arrays.asList(steps), null, maxConnections, lifetime);
    }

    /** A port on loopback where nothing listens: connections are refused. */
    public static int refusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int connections() {
        return accepted.get();
    }

    /** Every line clients sent, in order, across connections (bounded). */
    public List<String> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    // ---- steps -------------------------------------------------------------------------------

    /** Sends each line with CRLF; {@code {tag}} becomes the tag of the last line read (IMAP). */
    public static Step send(String... lines) {
        return c -> {
            for (String line : lines) {
                c.send(line);
            }
        };
    }

    /** Reads lines until one starts with {@code prefix} (case-insensitive); ends the script at EOF. */
    public static Step expect(String prefix) {
        return c -> {
            String p = prefix.toUpperCase(Locale.ROOT);
            String line;
            do {
                line = c.readLine();
                if (line == null) {
                    throw new EndOfScript();
                }
            } while (!line.toUpperCase(Locale.ROOT).startsWith(p));
        };
    }

    /**
     * Answers each line read with {@code replies.apply(line)}: a null answer ends this step (the
     * script goes on), an empty one sends nothing, one starting with {@code !} is sent without the
     * {@code !} and then ends this step (before a STARTTLS upgrade). After an answer starting 354 (SMTP DATA) the
     * message is read up to its final dot, which is then answered like a line. EOF ends the script.
     */
    public static Step converse(Function<String, String> replies) {
        return c -> {
            while (true) {
                String line = c.readLine();
                if (line == null) {
                    throw new EndOfScript();
                }
                String reply = replies.apply(line);
                if (reply == null) {
                    return;
                }
                if (reply.startsWith("!")) {
                    c.send(reply.substring(1));
                    return;
                }
                if (!reply.isEmpty()) {
                    c.send(reply);
                }
                if (reply.startsWith("354")) {
                    String body;
                    do {
                        body = c.readLine();
                        if (body == null) {
                            throw new EndOfScript();
                        }
                    } while (!".".equals(body));
                    String end = replies.apply(".");
                    if (end == null) {
                        return;
                    }
                    if (!end.isEmpty()) {
                        c.send(end);
                    }
                }
            }
        };
    }

    /** Waits for the client to send anything (a TLS ClientHello, which has no line end), reading one byte. */
    public static Step awaitInput() {
        return c -> {
            if (c.in.read() == -1) {
                throw new EndOfScript();
            }
        };
    }

    /** Says nothing more: reads (and records) what the client sends until it goes away. */
    public static Step stall() {
        return c -> {
            while (c.readLine() != null) {
                // silent on purpose
            }
            throw new EndOfScript();
        };
    }

    /** Sends {@code text} (CRLF added) at {@code bytesPerSecond}. */
    public static Step trickle(String text, int bytesPerSecond) {
        return c -> c.paced((text + "\r\n").getBytes(StandardCharsets.US_ASCII), bytesPerSecond, false);
    }

    /** Sends {@code prefix} and then a line that never ends, at {@code bytesPerSecond}, until the client goes. */
    public static Step endlessLine(String prefix, int bytesPerSecond) {
        return c -> {
            c.paced(prefix.getBytes(StandardCharsets.US_ASCII), Integer.MAX_VALUE, false);
            c.paced(new byte[] {'x'}, bytesPerSecond, true);
        };
    }

    /**
     * Sends {@code line} ending in a literal announcement of {@code size} bytes (IMAP, RFC 3501
     * section 4.3), then streams the literal at {@code bytesPerSecond} (0: stalls) until the
     * client goes.
     */
    public static Step hugeLiteral(String line, long size, int bytesPerSecond) {
        return c -> {
            c.send(c.expand(line) + " {" + size + "}");
            if (bytesPerSecond <= 0) {
                stall().run(c);
            }
            c.paced(new byte[] {'x'}, bytesPerSecond, true);
        };
    }

    /** Sends lines forever (a multi-line answer that never ends), at {@code bytesPerSecond}. */
    public static Step endlessAnswer(String first, String repeated, int bytesPerSecond) {
        return c -> {
            c.send(first);
            c.paced((repeated + "\r\n").getBytes(StandardCharsets.US_ASCII), bytesPerSecond, true);
        };
    }

    /** Drops the connection with a TCP reset. */
    public static Step drop() {
        return c -> {
            c.socket.setSoLinger(true, 0);
            throw new EndOfScript();
        };
    }

    /** Waits before the next step. */
    public static Step pause(Duration time) {
        return c -> {
            try {
                Thread.sleep(time.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EndOfScript();
            }
        };
    }

    /** Upgrades the connection to TLS as a server, with {@code tls}'s certificate (STARTTLS). */
    public static Step startTls(SSLContext tls) {
        return c -> c.upgrade(tls);
    }

    /** Runs one of {@code scripts} per connection, in turn: a server whose fault changes each time. */
    public static Step rotating(Step... scripts) {
        AtomicInteger next = new AtomicInteger();
        return c -> scripts[Math.floorMod(next.getAndIncrement(), scripts.length)].run(c);
    }

    /** Runs {@code steps} in order. */
    public static Step all(Step... steps) {
        return c -> {
            for (Step s : steps) {
                s.run(c);
            }
        };
    }

    // ---- the server --------------------------------------------------------------------------

    /** One client connection, as the steps see it. */
    public final class Conn {
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private String lastLine = "";
        private final long endNanos = System.nanoTime() + CONNECTION_LIFETIME.toNanos();

        Conn(Socket socket) throws IOException {
            use(socket);
        }

        private void use(Socket s) throws IOException {
            socket = s;
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(s.getInputStream());
            out = s.getOutputStream();
        }

        /** The next line without its CRLF (at most {@link #MAX_LINE} bytes), or null at EOF. */
        public String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                if (line.size() < MAX_LINE) {
                    line.write(b);
                }
            }
            if (b == -1 && line.size() == 0) {
                return null;
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            lastLine = text;
            synchronized (received) {
                if (received.size() < MAX_RECORDED) {
                    received.add(text.length() > 512 ? text.substring(0, 512) : text);
                }
            }
            return text;
        }

        /** Reads and discards {@code n} bytes (an HTTP request body); false at EOF. */
        public boolean skip(int n) throws IOException {
            for (int i = 0; i < n; i++) {
                if (in.read() == -1) {
                    return false;
                }
            }
            return true;
        }

        /** The IMAP tag of the last line read ("*" if none). */
        public String tag() {
            int space = lastLine.indexOf(' ');
            return space > 0 ? lastLine.substring(0, space) : "*";
        }

        String expand(String text) {
            return text.replace("{tag}", tag());
        }

        public void send(String line) throws IOException {
            out.write((expand(line) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /**
         * Writes {@code bytes} (over and over if {@code repeat}, until the client goes) at about
         * {@code bytesPerSecond}, in chunks every 10 ms or a byte at a time when slower.
         */
        void paced(byte[] bytes, int bytesPerSecond, boolean repeat) throws IOException {
            int chunk = (int) Math.max(1, Math.min(64 * 1024, bytesPerSecond / 100L));
            long pauseNanos = bytesPerSecond == Integer.MAX_VALUE ? 0 : 1_000_000_000L * chunk / bytesPerSecond;
            byte[] buffer = new byte[chunk];
            int at = 0;
            do {
                int n = 0;
                while (n < chunk && (repeat || at < bytes.length)) {
                    buffer[n++] = bytes[at++ % bytes.length];
                    if (repeat && at == bytes.length) {
                        at = 0;
                    }
                }
                if (n == 0) {
                    return;
                }
                if (System.nanoTime() - endNanos > 0) {
                    throw new EndOfScript();
                }
                try {
                    out.write(buffer, 0, n);
                    out.flush();
                } catch (SocketException clientWentAway) {
                    throw new EndOfScript();
                }
                if (pauseNanos > 0) {
                    try {
                        Thread.sleep(pauseNanos / 1_000_000, (int) (pauseNanos % 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new EndOfScript();
                    }
                }
            } while (repeat || at < bytes.length);
        }

        void upgrade(SSLContext tls) throws IOException {
            SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket,
                    socket.getInetAddress().getHostAddress(), socket.getPort(), true);
            ssl.setUseClientMode(false);
            open.add(ssl);
            try {
                ssl.startHandshake();
            } catch (IOException handshakeFailed) {
                // The client refused our certificate, as the test wanted: nothing more to say.
                throw new EndOfScript();
            }
            use(ssl);
        }
    }

    /** Ends a connection's script quietly. */
    private static final class EndOfScript extends IOException {
        private static final long serialVersionUID = 1L;

        EndOfScript() {
            super("end of script");
        }
    }

    private void accept() {
        while (!server.isClosed() && accepted.get() < maxConnections) {
            try {
                Socket s = server.accept();
                accepted.incrementAndGet();
                open.add(s);
                daemon(() -> serve(s), "hostile-conn-" + port() + "-" + accepted.get()).start();
            } catch (IOException closed) {
                return;
            }
        }
        // Enough connections: stop accepting, and let those open finish their scripts.
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void serve(Socket socket) {
        try {
            socket.setSoTimeout((int) CONNECTION_LIFETIME.toMillis());
            Conn conn = new Conn(socket);
            if (implicitTls != null) {
                conn.upgrade(implicitTls);
            }
            for (Step step : script) {
                step.run(conn);
            }
        } catch (EndOfScript | SocketTimeoutException done) {
            // the script or the client ended the connection
        } catch (IOException e) {
            // the client went away
        } finally {
            closeQuietly(socket);
        }
    }

    /** Closes connections older than their lifetime, and the server at its own. */
    private void reap() {
        while (!server.isClosed()) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            if (System.nanoTime() - startedNanos > serverLifetime.toNanos()) {
                close();
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Stops accepting and closes every connection. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        reaper.interrupt();
    }
}
