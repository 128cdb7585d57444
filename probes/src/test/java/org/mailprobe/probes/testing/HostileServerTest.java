package org.mailprobe.probes.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailprobe.probes.testing.HostileServer.converse;
import static org.mailprobe.probes.testing.HostileServer.expect;
import static org.mailprobe.probes.testing.HostileServer.send;
import static org.mailprobe.probes.testing.HostileServer.startTls;
import static org.mailprobe.probes.testing.HostileServer.trickle;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerTls;

@Timeout(60)
class HostileServerTest {
    @Test
    void aScriptRunsPerConnectionAndWhatTheClientSentIsRecorded() throws Exception {
        try (HostileServer server = HostileServer.plain(send("* OK hello"), expect("a1 LOGIN"),
                converse(line -> line.startsWith("a2") ? "{tag} OK done" : null));
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            client.setSoTimeout(10_000);
            BufferedReader in = reader(client);
            OutputStream out = client.getOutputStream();

            assertEquals("* OK hello", in.readLine());
            out.write("a0 NOOP\r\na1 LOGIN x y\r\na2 SELECT INBOX\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();

            assertEquals("a2 OK done", in.readLine());
            assertEquals(java.util.List.of("a0 NOOP", "a1 LOGIN x y", "a2 SELECT INBOX"), server.received());
        }
    }

    @Test
    void aTrickledLineArrivesWholeInTheEnd() throws Exception {
        try (HostileServer server = HostileServer.plain(trickle("+OK slow", 50));
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            client.setSoTimeout(10_000);

            assertEquals("+OK slow", reader(client).readLine());
        }
    }

    @Test
    void startTlsServesTheGivenCertificate() throws Exception {
        TestCa ca = TestCa.get();
        try (HostileServer server = HostileServer.plain(send("220 hi"), expect("STARTTLS"), send("220 go"),
                startTls(ServerTls.fromPkcs12(ca.wrongHostKeyStore(), Secret.of(TestCa.PASSWORD))), send("250 tls"));
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            client.setSoTimeout(10_000);
            BufferedReader plain = reader(client);
            assertEquals("220 hi", plain.readLine());
            client.getOutputStream().write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("220 go", plain.readLine());

            SSLSocket tls = (SSLSocket) org.mailprobe.probes.TlsPolicy.trusting(ca.caPem()).socketFactory()
                    .createSocket(client, "localhost", server.port(), true);
            tls.startHandshake();

            X509Certificate leaf = (X509Certificate) tls.getSession().getPeerCertificates()[0];
            assertTrue(leaf.getSubjectX500Principal().getName().contains("CN=wrong.invalid"), leaf.toString());
            assertEquals("250 tls", reader(tls).readLine());
        }
    }

    @Test
    void theServerStopsByItselfAfterItsConnections() throws Exception {
        HostileServer server = HostileServer.lasting(Duration.ofMinutes(1), 1, send("hi"));
        try (Socket first = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            first.setSoTimeout(10_000);
            assertEquals("hi", reader(first).readLine());
        }
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        boolean refused = false;
        while (!refused && System.nanoTime() < end) {
            try (Socket again = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                assertTrue(again.isConnected());
                Thread.sleep(20);
            } catch (ConnectException closed) {
                refused = true;
            }
        }
        assertTrue(refused, "a connection beyond the bound was still accepted");
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), server.port()).close());
        server.close();
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    }
}
