package org.mailprobe.probes.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * A hostile or broken line-based server on a random loopback port: it sends {@code greeting}
 * (unless null) and answers each line it reads with {@code replies.apply(line)}; a null answer
 * closes the connection, an empty one sends nothing and keeps waiting (a stalled server).
 * Serves connections one after another until closed.
 */
public final class ScriptedServer implements AutoCloseable {
    private final ServerSocket server;
    private final Thread thread;

    public ScriptedServer(String greeting, Function<String, String> replies) throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> serve(greeting, replies), "scripted-server");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    private void serve(String greeting, Function<String, String> replies) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                OutputStream out = s.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                if (greeting != null) {
                    out.write((greeting + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                boolean inData = false;
                String line;
                while ((line = in.readLine()) != null) {
                    if (inData) {
                        if (!".".equals(line)) {
                            continue;
                        }
                        inData = false;
                    }
                    String reply = replies.apply(line);
                    if (reply == null) {
                        break;
                    }
                    if (!reply.isEmpty()) {
                        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                    inData = reply.startsWith("354");
                }
            } catch (IOException e) {
                // the client went away, or we were closed
            }
        }
    }

    /** Replies like a minimal SMTP server, except where {@code override} returns non-null. */
    public static Function<String, String> smtp(Function<String, String> override) {
        return line -> {
            String o = override.apply(line);
            if (o != null) {
                return o;
            }
            String upper = line.toUpperCase(java.util.Locale.ROOT);
            if (upper.startsWith("EHLO")) {
                return "250-test.invalid\r\n250 AUTH PLAIN LOGIN";
            }
            if (upper.startsWith("AUTH")) {
                return "235 2.7.0 ok";
            }
            if (upper.startsWith("DATA")) {
                return "354 go ahead";
            }
            if (upper.startsWith("QUIT")) {
                return null;
            }
            return "250 2.0.0 ok";
        };
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
