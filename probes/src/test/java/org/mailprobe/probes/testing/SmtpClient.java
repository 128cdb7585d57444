package org.mailprobe.probes.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A bare SMTP client for tests: it writes exactly what it is told and reads whole replies, so a
 * test can see each reply code, and can misbehave on purpose (garbage, long lines, trickling).
 */
public final class SmtpClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public SmtpClient(int port) throws IOException {
        this(null, port);
    }

    /** Connecting from {@code from} (e.g. 127.0.0.2, another loopback address); null: any. */
    public SmtpClient(InetAddress from, int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port, from, 0);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** The next whole reply (every line of a multi-line one), or null if the server closed. */
    public String reply() throws IOException {
        StringBuilder all = new StringBuilder();
        while (true) {
            String line = line();
            if (line == null) {
                return all.length() == 0 ? null : all.toString();
            }
            all.append(all.length() == 0 ? "" : "\n").append(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return all.toString();
            }
        }
    }

    /** Sends one command line and returns the reply. */
    public String command(String line) throws IOException {
        write(line + "\r\n");
        return reply();
    }

    /** Writes raw text as it is. */
    public void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** EHLO, MAIL, RCPT: the replies joined by " | ". */
    public String envelope(String helo, String from, String to) throws IOException {
        return command("EHLO " + helo).lines().reduce((a, b) -> b).orElse("") + " | " + command("MAIL FROM:<" + from + ">")
                + " | " + command("RCPT TO:<" + to + ">");
    }

    /** DATA, the message (dot-stuffed here, CRLF line ends), the final dot: the reply after the dot. */
    public String data(String message) throws IOException {
        String go = command("DATA");
        if (!go.startsWith("354")) {
            return go;
        }
        StringBuilder body = new StringBuilder();
        for (String line : message.split("\r?\n", -1)) {
            body.append(line.startsWith(".") ? "." + line : line).append("\r\n");
        }
        write(body + ".\r\n");
        return reply();
    }

    /** Whether the server has closed the connection (read returns end of stream or a reset). */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                int n = line.length();
                return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
            }
            line.append((char) c);
        }
        return line.length() == 0 ? null : line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
