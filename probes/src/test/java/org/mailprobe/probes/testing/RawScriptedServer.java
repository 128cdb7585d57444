package org.mailprobe.probes.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A mail server on a random loopback port that runs a script per connection, with raw access to
 * the bytes it sends (endless lines, huge literal announcements, one byte at a time). Records
 * every line it reads, with the connection's number.
 */
public final class RawScriptedServer implements AutoCloseable {
    public interface Script {
        void run(Peer peer) throws IOException, InterruptedException;
    }

    /** One connection, as the script sees it. */
    public static final class Peer {
        private final InputStream in;
        private final OutputStream out;
        private final int connection;
        private final List<String> lines;

        Peer(Socket s, int connection, List<String> lines) throws IOException {
            this.in = s.getInputStream();
            this.out = s.getOutputStream();
            this.connection = connection;
            this.lines = lines;
        }

        /** 1 for the first connection. */
        public int connection() {
            return connection;
        }

        /** The next line from the client without its CRLF; null at its end. */
        public String readLine() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    b.write(c);
                }
            }
            if (c < 0 && b.size() == 0) {
                return null;
            }
            String line = b.toString(StandardCharsets.US_ASCII);
            lines.add(connection + " " + line);
            return line;
        }

        /** Sends {@code text} with CRLF line ends added to each of its lines. */
        public void send(String text) throws IOException {
            raw(text.replace("\n", "\r\n") + "\r\n");
        }

        public void raw(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }

    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> lines = new CopyOnWriteArrayList<>();

    public RawScriptedServer(Script script) throws IOException {
        this(script, null);
    }

    /** With {@code tls}, every connection is implicit TLS (e.g. the test CA's localhost key). */
    public RawScriptedServer(Script script, javax.net.ssl.SSLContext tls) throws IOException {
        server = tls == null ? new ServerSocket(0, 10, InetAddress.getLoopbackAddress())
                : tls.getServerSocketFactory().createServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    int n = connections.incrementAndGet();
                    Thread c = new Thread(() -> {
                        try (s) {
                            script.run(new Peer(s, n, lines));
                        } catch (IOException | InterruptedException | RuntimeException e) {
                            // the client went away, or we were closed
                        }
                    }, "hostile-server-" + n);
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    // closed
                }
            }
        }, "hostile-server");
        t.setDaemon(true);
        t.start();
    }

    /** The test CA's key for {@code localhost}, for {@link #RawScriptedServer(Script, javax.net.ssl.SSLContext)}. */
    public static javax.net.ssl.SSLContext localhostTls() throws Exception {
        java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(
                org.mailprobe.probes.testing.TestCa.get().serverKeyStore())) {
            keys.load(in, org.mailprobe.probes.testing.TestCa.PASSWORD.toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf =
                javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, org.mailprobe.probes.testing.TestCa.PASSWORD.toCharArray());
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    public int port() {
        return server.getLocalPort();
    }

    public int connections() {
        return connections.get();
    }

    /** Every line read, as "connection line". */
    public List<String> lines() {
        return lines;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
