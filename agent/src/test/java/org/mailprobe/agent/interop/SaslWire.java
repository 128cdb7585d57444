package org.mailprobe.agent.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A mail protocol session on a bare JDK socket (no mail library, no mailprobe code): lines out and
 * in, STARTTLS verified against the testbed's CA for the name the certificate carries, and the
 * SASL strings of XOAUTH2 and OAUTHBEARER (RFC 7628) built by hand. Every read is bounded.
 */
final class SaslWire implements AutoCloseable {
    /** Dovecot's per-IP delay after failed logins reaches 15 s; a read waits a little longer. */
    static final int READ_TIMEOUT_MS = 25_000;

    private final String tlsName;
    private final Path caFile;
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;

    SaslWire(String host, int port, String tlsName, Path caFile) throws IOException {
        this.tlsName = tlsName;
        this.caFile = caFile;
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        streams();
    }

    static String xoauth2(String user, String token) {
        return base64("user=" + user + "\u0001auth=Bearer " + token + "\u0001\u0001");
    }

    static String oauthbearer(String user, String host, int port, String token) {
        return base64("n,a=" + user + ",\u0001host=" + host + "\u0001port=" + port + "\u0001auth=Bearer " + token
                + "\u0001\u0001");
    }

    /** RFC 7628 section 3.2.3: the client's answer to the server's error challenge is a lone %x01. */
    static final String OAUTHBEARER_ERROR_ACK = base64("\u0001");

    static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    void send(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One line, or an IOException at the end of the stream (never null). */
    String line() throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IOException("the server closed the connection");
        }
        return line;
    }

    /** Lines up to and including the first that starts with {@code prefix}. */
    List<String> until(String prefix) throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = line();
            lines.add(line);
        } while (!line.startsWith(prefix));
        return lines;
    }

    /** An SMTP reply: its lines up to the one with a space after the code. */
    List<String> smtpReply() throws IOException {
        List<String> lines = new ArrayList<>();
        String line;
        do {
            line = line();
            lines.add(line);
        } while (line.length() > 3 && line.charAt(3) == '-');
        return lines;
    }

    /** TLS over the connection (after the protocol's STARTTLS), the certificate and its name verified. */
    void startTls() throws IOException {
        try {
            SSLSocket tls = (SSLSocket) context().getSocketFactory().createSocket(socket, tlsName, socket.getPort(),
                    true);
            SSLParameters params = tls.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(params);
            tls.setUseClientMode(true);
            tls.startHandshake();
            socket = tls;
            streams();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust " + caFile, e);
        }
    }

    private SSLContext context() throws IOException, GeneralSecurityException {
        try (InputStream ca = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("testbed-ca", CertificateFactory.getInstance("X.509").generateCertificate(ca));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        }
    }

    private void streams() throws IOException {
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
