package org.mailprobe.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.mailprobe.probes.ProbeClock;

/**
 * A real TCP relay on loopback in front of a test server: it holds the server's first bytes of
 * each connection back for a while (a slow server, e.g. a watcher's log-in), and notes on the agent
 * clock when it first saw the client send a line starting with a given command (MAIL, DATA).
 */
final class SlowStartProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final Duration holdServer;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();
    private volatile Instant firstAccepted;
    private volatile Instant released;

    SlowStartProxy(int targetPort, Duration holdServer) throws IOException {
        this.targetPort = targetPort;
        this.holdServer = holdServer;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "slow-start-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** When the first client connected; null if none did. */
    Instant firstAccepted() {
        return firstAccepted;
    }

    /** When the server's first bytes went to the client, after the hold; null if not yet. */
    Instant released() {
        return released;
    }

    /** When the client first sent a line starting with {@code command}; null if it did not. */
    Instant firstSeen(String command) {
        return firstSeen.get(command);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Instant at = ProbeClock.system().now();
                if (firstAccepted == null) {
                    firstAccepted = at;
                }
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(target);
                Instant releaseAt = at.plus(holdServer);
                pump(target.getInputStream(), client.getOutputStream(), releaseAt, false);
                pump(client.getInputStream(), target.getOutputStream(), null, true);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(InputStream in, OutputStream out, Instant releaseAt, boolean watchLines) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            StringBuilder line = new StringBuilder();
            try {
                int n;
                boolean first = true;
                while ((n = in.read(buf)) >= 0) {
                    if (first && releaseAt != null) {
                        while (ProbeClock.system().now().isBefore(releaseAt)) {
                            Thread.sleep(5);
                        }
                        if (released == null) {
                            released = ProbeClock.system().now();
                        }
                    }
                    first = false;
                    if (watchLines) {
                        note(line, new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the other side closed
            } finally {
                closeQuietly(in);
                closeQuietly(out);
            }
        }, "slow-start-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private void note(StringBuilder line, String chunk) {
        Instant now = ProbeClock.system().now();
        for (char c : chunk.toCharArray()) {
            if (c == '\n') {
                String l = line.toString().strip();
                int space = l.indexOf(' ');
                firstSeen.putIfAbsent((space < 0 ? l : l.substring(0, space)).toUpperCase(java.util.Locale.ROOT), now);
                line.setLength(0);
            } else if (line.length() < 64) {
                line.append(c);
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        sockets.forEach(SlowStartProxy::closeQuietly);
    }
}
