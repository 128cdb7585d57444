package org.mailprobe.probes.reachability;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.internal.SocketHolder;

/**
 * One line-based connection of a reachability check: CRLF lines in and out, a TLS upgrade in
 * place (implicit or after STARTTLS), and the server's last line kept as evidence. Lines are
 * bounded, so a server that sends an endless line costs a protocol error, not memory.
 */
final class LineConnection {
    private static final int MAX_LINE = 8192;
    private static final int MAX_EVIDENCE = 200;

    private final String host;
    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private String lastLine = "";
    private @Nullable Instant certificateNotAfter;

    LineConnection(Socket connected, String host, int port, SocketHolder holder) throws IOException {
        this.host = host;
        this.port = port;
        holder.set(connected);
        use(connected);
    }

    /**
     * The holder keeps the plain socket even after TLS is layered on it: closing that one from the
     * watchdog ends a blocked read at once, where closing the TLS socket may wait for its locks.
     */
    private void use(Socket s) throws IOException {
        socket = s;
        in = s.getInputStream();
        out = s.getOutputStream();
    }

    /** Layers TLS on the connection and completes the handshake, verifying the host name unless insecure. */
    void startTls(TlsPolicy policy) throws IOException {
        SSLSocket tls = (SSLSocket) policy.socketFactory().createSocket(socket, host, port, true);
        if (!policy.isInsecure()) {
            // RFC 6125 host name rules; the JDK's "HTTPS" algorithm implements them for any protocol.
            SSLParameters params = tls.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(params);
        }
        tls.setSoTimeout(socket.getSoTimeout());
        use(tls);
        tls.startHandshake();
        Certificate[] chain = tls.getSession().getPeerCertificates();
        if (chain.length > 0 && chain[0] instanceof X509Certificate) {
            certificateNotAfter = ((X509Certificate) chain[0]).getNotAfter().toInstant();
        }
    }

    void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next line without its CRLF. */
    String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed the connection"
                        + (line.size() > 0 ? " mid-line" : lastLine.isEmpty() ? " without a word" : ""));
            }
            if (b == '\n') {
                break;
            }
            if (line.size() >= MAX_LINE) {
                throw new ReplyException(Reason.PROTOCOL, "a line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        lastLine = text.length() > MAX_EVIDENCE ? text.substring(0, MAX_EVIDENCE) + "..." : text;
        return text;
    }

    String lastLine() {
        return lastLine;
    }

    @Nullable Instant certificateNotAfter() {
        return certificateNotAfter;
    }

    /** A reply that ends the check with {@code reason}; its message quotes the reply, never a secret. */
    static class ReplyException extends IOException {
        private final Reason reason;

        ReplyException(Reason reason, String message) {
            super(message);
            this.reason = reason;
        }

        Reason reason() {
            return reason;
        }
    }
}
