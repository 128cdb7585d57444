package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.agent.web.FeedEndpoint;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerTls;
import org.mailprobe.probes.sink.SinkDelivery;
import org.mailprobe.probes.testing.TestCa;
import org.mailprobe.probes.token.TokenSigner;

/**
 * The reader of a remote sink's feed against real HTTP servers on loopback, honest and hostile
 * (issue 11: remote sink feed): bounded in size and time, authenticated, and stoppable.
 */
@Timeout(60)
class RemoteSinkFeedTest {
    static final TokenSigner SIGNER = new TokenSigner(TestConfigs.KEY);
    static final byte[] FEED_KEY = SIGNER.derive(AgentSink.FEED_KEY_PURPOSE);
    static final Duration DEADLINE = Duration.ofSeconds(1);

    final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
    final List<RemoteSinkFeed.Refusal> refusals = new CopyOnWriteArrayList<>();
    final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    RemoteSinkFeed reader(URI base, RemoteSinkFeed.Settings settings) {
        RemoteSinkFeed r = new RemoteSinkFeed(base, settings, FEED_KEY, "sink@remote", SIGNER, arrivals::add,
                ProbeClock.system(), refusals::add);
        closing.add(r);
        return r;
    }

    /** Plain http and a generous deadline: an honest exchange on a loaded machine fits in it. */
    static RemoteSinkFeed.Settings plain(long maxBytes) {
        return new RemoteSinkFeed.Settings(null, true, Duration.ofSeconds(10), maxBytes);
    }

    /** A feed with one delivery of a probe signed under our key. */
    static SinkFeed feedWithOneProbe() {
        SinkFeed feed = new SinkFeed(Instant::now, SIGNER, FEED_KEY);
        Instant now = Instant.now();
        ProbeToken token = new ProbeToken("test-agent", "send-1", 7, now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        feed.append(new SinkDelivery(token, "192.0.2.1:4000", "mx.provider.test", now, now, now, "TLSv1.3",
                "a@probe.test", List.of("probe@sink.test"), List.of("from x by y; " + now)));
        return feed;
    }

    /** An HTTP server that answers every request with {@code endpoint}'s answer, changed by {@code tamper}. */
    URI serve(FeedEndpoint endpoint, Function<FeedEndpoint.Answer, FeedEndpoint.Answer> tamper) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        handle(server, endpoint, tamper);
        server.start();
        closing.add(() -> server.stop(0));
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    static void handle(HttpServer server, FeedEndpoint endpoint, Function<FeedEndpoint.Answer, FeedEndpoint.Answer> tamper) {
        server.createContext("/sink/deliveries", ex -> {
            FeedEndpoint.Answer a = tamper.apply(endpoint.answer(ex.getRequestURI().getRawQuery(),
                    ex.getRequestHeaders().getFirst(FeedEndpoint.AUTH_HEADER)));
            byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
            a.headers().forEach(ex.getResponseHeaders()::set);
            ex.sendResponseHeaders(a.status(), body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
    }

    /** A raw TCP server that sends {@code head} then calls {@code body} with the socket's stream until it throws. */
    URI hostile(String head, BodyWriter body) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        closing.add(listener);
        Thread t = new Thread(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket s = listener.accept();
                    closing.add(s);
                    Thread w = new Thread(() -> {
                        try (s) {
                            s.getInputStream().read(new byte[8192]);
                            OutputStream out = s.getOutputStream();
                            out.write(head.getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            body.write(out);
                        } catch (IOException | InterruptedException e) {
                            // the reader hung up: what the test wants
                        }
                    }, "hostile-feed-conn");
                    w.setDaemon(true);
                    w.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "hostile-feed");
        t.setDaemon(true);
        t.start();
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    static void await(String what, Duration max, java.util.function.BooleanSupplier condition) throws Exception {
        Instant until = Instant.now().plus(max);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("not within " + max + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    interface BodyWriter {
        void write(OutputStream out) throws IOException, InterruptedException;
    }

    @Test
    void aGenuineSignedAnswerIsReportedAndCarriesNoToken() throws Exception {
        SinkFeed feed = feedWithOneProbe();
        List<String> bodies = new CopyOnWriteArrayList<>();
        RemoteSinkFeed r = reader(serve(feed, a -> {
            bodies.add(a.body());
            return a;
        }), plain(1 << 20));

        r.pollOnce();

        assertEquals(1, arrivals.size());
        assertEquals(7, arrivals.get(0).token().sequence());
        String signed = SIGNER.sign(arrivals.get(0).token());
        assertFalse(bodies.get(0).contains(signed.substring(signed.indexOf("s="))), "the token's MAC is never served");
        assertEquals(List.of(), refusals);
    }

    @Test
    void anAnswerWhoseMacDoesNotVerifyIsRefusedWholeAndCounted() throws Exception {
        RemoteSinkFeed r = reader(serve(feedWithOneProbe(), a -> new FeedEndpoint.Answer(a.status(), a.contentType(),
                a.body().replace("mx.provider.test", "mx.attacker.test"), a.headers())), plain(1 << 20));

        assertThrows(IOException.class, r::pollOnce);

        assertEquals(List.of(), arrivals);
        assertEquals(List.of(RemoteSinkFeed.Refusal.BAD_SIGNATURE), refusals);
    }

    @Test
    void anUnsignedAnswerIsRefused() throws Exception {
        RemoteSinkFeed r = reader(serve(feedWithOneProbe(), a -> new FeedEndpoint.Answer(a.status(), a.contentType(),
                a.body(), java.util.Map.of())), plain(1 << 20));

        assertThrows(IOException.class, r::pollOnce);

        assertEquals(List.of(), arrivals);
        assertEquals(List.of(RemoteSinkFeed.Refusal.BAD_SIGNATURE), refusals);
    }

    @Test
    void aSignedAnswerRecordedEarlierAndReplayedIsRefused() throws Exception {
        SinkFeed feed = feedWithOneProbe();
        FeedAuth auth = new FeedAuth(FEED_KEY);
        String query = "after=0&nonce=" + FeedAuth.nonce();
        FeedEndpoint.Answer recorded = feed.answer(query, auth.authorize("/sink/deliveries?" + query, Instant.now()));
        assertEquals(200, recorded.status());
        RemoteSinkFeed r = reader(serve(feed, a -> recorded), plain(1 << 20));

        assertThrows(IOException.class, r::pollOnce);

        assertEquals(List.of(), arrivals);
        assertEquals(List.of(RemoteSinkFeed.Refusal.REPLAYED_ANSWER), refusals);
    }

    @Test
    void aBodyTrickledSlowlyEndsAtTheDeadline() throws Exception {
        RemoteSinkFeed r = reader(hostile("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n", out -> {
            while (true) {
                out.write('{');
                out.flush();
                Thread.sleep(100);
            }
        }), new RemoteSinkFeed.Settings(null, true, DEADLINE, 1 << 20));

        IOException e = assertThrows(IOException.class, r::pollOnce);

        assertTrue(e.getMessage().contains("timeout"), e.getMessage());
        assertEquals(List.of(RemoteSinkFeed.Refusal.TIMEOUT), refusals);
    }

    @Test
    void aServerSilentAfterTheRequestIsRefusedAtTheDeadline() throws Exception {
        RemoteSinkFeed r = reader(hostile("", out -> Thread.sleep(60_000)),
                new RemoteSinkFeed.Settings(null, true, DEADLINE, 1 << 20));

        IOException e = assertThrows(IOException.class, r::pollOnce);

        assertTrue(e.getMessage().contains("timeout"), e.getMessage());
        assertEquals(List.of(RemoteSinkFeed.Refusal.TIMEOUT), refusals);
    }

    @Test
    void anEndlessBodyIsRefusedAtTheSizeCap() throws Exception {
        byte[] chunk = new byte[8192];
        java.util.Arrays.fill(chunk, (byte) ' ');
        RemoteSinkFeed r = reader(hostile("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", out -> {
            while (true) {
                out.write(chunk);
            }
        }), new RemoteSinkFeed.Settings(null, true, Duration.ofSeconds(30), 256 * 1024));

        IOException e = assertThrows(IOException.class, r::pollOnce);

        assertTrue(e.getMessage().contains("too_large"), e.getMessage());
        assertEquals(List.of(RemoteSinkFeed.Refusal.TOO_LARGE), refusals);
    }

    @Test
    void closeEndsTheFeedThreadDuringAStuckExchange() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean trickling = new java.util.concurrent.atomic.AtomicBoolean();
        RemoteSinkFeed r = reader(hostile("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n", out -> {
            trickling.set(true);
            while (true) {
                out.write('{');
                out.flush();
                Thread.sleep(1000);
            }
        }), new RemoteSinkFeed.Settings(null, true, Duration.ofMinutes(10), 1 << 20));
        r.start();
        await("the reader is in its exchange", Duration.ofSeconds(20), trickling::get);

        r.close();

        await("the reader's thread ends at close", Duration.ofSeconds(20), () -> !r.alive());
    }

    @Test
    void plainHttpIsRefusedWithoutTheExplicitOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reader(
                URI.create("http://127.0.0.1:1"), new RemoteSinkFeed.Settings(null, false, DEADLINE, 1 << 20)));

        assertTrue(e.getMessage().contains("insecure_plain_http"), e.getMessage());
    }

    @Test
    void httpsIsVerifiedAgainstTheConfiguredCa() throws Exception {
        TestCa ca = TestCa.get();
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ServerTls.fromPkcs12(ca.serverKeyStore(),
                Secret.of(TestCa.PASSWORD))));
        handle(server, feedWithOneProbe(), a -> a);
        server.start();
        closing.add(() -> server.stop(0));
        URI base = URI.create("https://localhost:" + server.getAddress().getPort());

        reader(base, new RemoteSinkFeed.Settings(ca.caPem(), false, Duration.ofSeconds(10), 1 << 20)).pollOnce();

        assertEquals(1, arrivals.size());
    }

    @Test
    void httpsWithoutTrustInItsCaIsRefused() throws Exception {
        TestCa ca = TestCa.get();
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ServerTls.fromPkcs12(ca.serverKeyStore(),
                Secret.of(TestCa.PASSWORD))));
        handle(server, feedWithOneProbe(), a -> a);
        server.start();
        closing.add(() -> server.stop(0));
        URI base = URI.create("https://localhost:" + server.getAddress().getPort());

        assertThrows(IOException.class, reader(base, new RemoteSinkFeed.Settings(null, false, Duration.ofSeconds(10),
                1 << 20))::pollOnce);

        assertEquals(List.of(), arrivals);
    }
}
