package org.mailprobe.probes.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.BearerTokens;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.TokenException;
import org.mailprobe.probes.internal.FailureClassifier;
import org.mailprobe.probes.internal.ReplyTooLongException;
import org.mailprobe.probes.testing.RawScriptedServer;

/** A token endpoint that answers slowly or without end costs one failed fetch, bounded in time and memory. */
@Timeout(60)
class TokenEndpointHostilityTest {
    private static final Timeouts SHORT = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));

    interface Body {
        void write(OutputStream out) throws IOException, InterruptedException;
    }

    /** An HTTP server on loopback that reads a request and answers 200 with {@code body}'s bytes. */
    private static ServerSocket serving(Body body) throws IOException {
        ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    byte[] buffer = new byte[8192];
                    in.read(buffer); // the request; its content does not matter here
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    body.write(out);
                } catch (IOException | InterruptedException e) {
                    // the client gave up, or the test is over
                }
            }
        }, "hostile-token-endpoint");
        t.setDaemon(true);
        t.start();
        return server;
    }

    private static void chunk(OutputStream out, byte[] data) throws IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static TokenException fetchFrom(ServerSocket server) {
        TokenGrant grant = new TokenGrant.ClientCredentials(
                URI.create("http://127.0.0.1:" + server.getLocalPort() + "/token"), "client-1",
                new TokenGrant.ClientAuthentication.ClientSecret(Secret.of("x")), List.of("mail"));
        try (BearerTokens tokens = BearerTokenSources.open(grant, TlsPolicy.verified(), SHORT, Duration.ofMinutes(5),
                true, ProbeClock.system())) {
            Instant deadline = ProbeClock.system().now().plusSeconds(30);
            return assertThrows(TokenException.class, () -> tokens.current(deadline));
        }
    }

    @Test
    void aBodyTrickledForeverEndsWithTheRequestsTimeouts() throws Exception {
        try (ServerSocket server = serving(out -> {
            chunk(out, "{\"access_token\":\"".getBytes(StandardCharsets.US_ASCII));
            while (true) {
                chunk(out, "a".getBytes(StandardCharsets.US_ASCII));
                Thread.sleep(100);
            }
        })) {
            TokenException e = fetchFrom(server);

            assertEquals("the token endpoint did not answer in time", e.getMessage());
            assertEquals(Reason.TOKEN, FailureClassifier.classify(e));
        }
    }

    @Test
    void aBodyWithoutEndIsCutAtTheCap() throws Exception {
        byte[] block = new byte[64 * 1024];
        java.util.Arrays.fill(block, (byte) 'a');
        try (ServerSocket server = serving(out -> {
            chunk(out, "{\"access_token\":\"".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 100_000; i++) { // 6 GB if nobody stops reading
                chunk(out, block);
            }
        })) {
            TokenException e = fetchFrom(server);

            assertEquals("the token endpoint's answer is too long", e.getMessage());
            assertTrue(e.getCause() instanceof ReplyTooLongException, String.valueOf(e.getCause()));
        }
    }

    /** An https token endpoint with the test CA's certificate for localhost, answering one token. */
    private static RawScriptedServer httpsEndpoint() throws Exception {
        return new RawScriptedServer(peer -> {
            String line;
            while ((line = peer.readLine()) != null && !line.isEmpty()) {
                // the request's headers; its form (one line without an end) is not needed
            }
            String body = "{\"access_token\":\"tls-token\",\"token_type\":\"Bearer\",\"expires_in\":60}";
            peer.raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body);
        }, RawScriptedServer.localhostTls());
    }

    private static TokenGrant grantAt(RawScriptedServer server) {
        return new TokenGrant.ClientCredentials(URI.create("https://localhost:" + server.port() + "/token"),
                "client-1", new TokenGrant.ClientAuthentication.ClientSecret(Secret.of("x")), List.of("mail"));
    }

    @Test
    void anEndpointWhoseCertificateIsNotTrustedGivesNoToken() throws Exception {
        try (RawScriptedServer server = httpsEndpoint();
                BearerTokens tokens = BearerTokenSources.open(grantAt(server), TlsPolicy.verified(), SHORT,
                        Duration.ofMinutes(5), ProbeClock.system())) {
            TokenException e = assertThrows(TokenException.class,
                    () -> tokens.current(ProbeClock.system().now().plusSeconds(30)));

            assertTrue(e.getMessage().startsWith("the token endpoint could not be reached: SSL"), e.getMessage());
            assertEquals(Reason.TOKEN, FailureClassifier.classify(e));
        }
    }

    @Test
    void anEndpointWhoseCaIsTrustedGivesItsToken() throws Exception {
        try (RawScriptedServer server = httpsEndpoint();
                BearerTokens tokens = BearerTokenSources.open(grantAt(server),
                        org.mailprobe.probes.testing.TestProvider.trusted(), SHORT, Duration.ofMinutes(5), ProbeClock.system())) {
            assertEquals("tls-token", tokens.current(ProbeClock.system().now().plusSeconds(30)).reveal());
        }
    }
}
