package org.mailprobe.probes.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsMode;

/**
 * A plain TCP relay on loopback in front of a test server that records every line either side
 * sends, with the moment it passed, so a test can count the commands a client issued and when.
 * Client lines are passed on whole, after an optional {@link Hook} has run, so a test can do
 * something at the exact moment a command reaches the server. For tests only: one thread pair per
 * connection, no TLS.
 */
public final class CommandCountingProxy implements AutoCloseable {
    /** One line, without its line end, and {@link System#nanoTime()} when it passed the proxy. */
    public record Line(String text, long nanos) {}

    /** Runs on the relay thread before a client line goes on to the server. */
    @FunctionalInterface
    public interface Hook {
        void beforeForwarding(String line) throws Exception;
    }

    private final ServerSocket listener;
    private final ServerEndpoint target;
    private final List<Line> client = new CopyOnWriteArrayList<>();
    private final List<Line> server = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile Hook hook = line -> { };
    /** Rewrites a server line (without its line end); null passes every byte on as it comes. */
    private volatile java.util.function.@org.jspecify.annotations.Nullable UnaryOperator<String> serverRewrite;

    public CommandCountingProxy(ServerEndpoint target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "command-counting-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Where the client connects instead of the server (plain TCP). */
    public ServerEndpoint endpoint() {
        return new ServerEndpoint(listener.getInetAddress().getHostAddress(), listener.getLocalPort(), TlsMode.PLAIN);
    }

    /** Every line the client has sent so far, in order. */
    public List<Line> clientLines() {
        return new ArrayList<>(client);
    }

    /** Every line the server has sent so far, in order. */
    public List<Line> serverLines() {
        return new ArrayList<>(server);
    }

    public void hook(Hook hook) {
        this.hook = hook;
    }

    /**
     * Passes the server's lines on whole, each through {@code rewrite} (e.g. a LIST answer given an
     * attribute the server does not send); a line it returns unchanged goes on byte for byte.
     */
    public void rewriteServerLines(java.util.function.UnaryOperator<String> rewrite) {
        this.serverRewrite = rewrite;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket c = listener.accept();
                Socket s = new Socket();
                s.connect(new InetSocketAddress(target.host(), target.port()), 5_000);
                sockets.add(c);
                sockets.add(s);
                pump(c.getInputStream(), s.getOutputStream(), client, true, c, s);
                pump(s.getInputStream(), c.getOutputStream(), server, false, c, s);
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** Relays one direction of the connection {@code pair}; when either side ends, closes that pair only. */
    private void pump(InputStream in, OutputStream out, List<Line> lines, boolean fromClient, Socket... pair) {
        Thread t = new Thread(() -> {
            ByteArrayOutputStream line = new ByteArrayOutputStream(); // recorded at each line end
            ByteArrayOutputStream unsent = new ByteArrayOutputStream();
            String text = "";
            try {
                for (int b; (b = in.read()) >= 0; ) {
                    line.write(b);
                    unsent.write(b);
                    if (b == '\n') {
                        text = line.toString(StandardCharsets.ISO_8859_1).strip();
                        line.reset();
                        lines.add(new Line(text, System.nanoTime()));
                        if (fromClient) {
                            hook.beforeForwarding(text); // a client line goes on whole, after the hook
                        }
                    }
                    var rewrite = fromClient ? null : serverRewrite;
                    if (rewrite != null && b == '\n') {
                        String changed = rewrite.apply(text);
                        out.write(changed.equals(text) ? unsent.toByteArray()
                                : (changed + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        unsent.reset();
                    } else if (rewrite == null && (b == '\n' || (!fromClient && in.available() == 0))) {
                        out.write(unsent.toByteArray());
                        out.flush();
                        unsent.reset();
                    }
                }
            } catch (Exception ended) {
                // either side closed: the other pump ends too once its socket is closed
            } finally {
                close(List.of(pair));
            }
        }, "command-counting-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void close(List<Socket> sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        close(sockets);
    }
}
