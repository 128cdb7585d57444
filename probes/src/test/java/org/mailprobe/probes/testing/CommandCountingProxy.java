package org.mailprobe.probes.testing;

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
 * A plain TCP relay in front of a test server that records every line the client sends, so a
 * test can see which commands a watcher issued and when (the server's side is passed through
 * untouched). Loopback, one thread pair per connection; for tests only.
 */
public final class CommandCountingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final ServerEndpoint target;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

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

    /** Every line the client has sent so far, in order, without its line end. */
    public List<String> clientLines() {
        return new ArrayList<>(lines);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress(target.host(), target.port()), 5_000);
                sockets.add(client);
                sockets.add(server);
                pump(client.getInputStream(), server.getOutputStream(), true);
                pump(server.getInputStream(), client.getOutputStream(), false);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void pump(InputStream in, OutputStream out, boolean fromClient) {
        Thread t = new Thread(() -> {
            StringBuilder line = new StringBuilder();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    if (fromClient) {
                        record(line, buffer, n);
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException ended) {
                // either side closed: the other pump ends too once its socket is closed
            } finally {
                closeAll();
            }
        }, "command-counting-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private void record(StringBuilder line, byte[] buffer, int n) {
        for (String part : new String(buffer, 0, n, StandardCharsets.ISO_8859_1).split("(?<=\n)")) {
            line.append(part);
            if (part.endsWith("\n")) {
                lines.add(line.toString().strip());
                line.setLength(0);
            }
        }
    }

    private void closeAll() {
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
        closeAll();
    }
}
