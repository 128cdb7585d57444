package org.mailprobe.probes.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailprobe.probes.BearerTokens;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.oauth.BearerTokenSources;
import org.mailprobe.probes.oauth.TokenGrant;

/**
 * A token endpoint on a random loopback port (the JDK's HTTP server) for what mock-oauth2-server
 * cannot show: how many requests were made, exactly, and holding an answer until the test lets it
 * go. The n-th request gets access token {@code token-n}, valid {@code expiresIn} seconds.
 */
public final class TokenEndpointStub implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private volatile int expiresIn = 3600;
    private volatile int status = 200;
    private volatile CountDownLatch hold = new CountDownLatch(0);

    public TokenEndpointStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/token", this::answer);
        server.start();
    }

    private void answer(HttpExchange exchange) throws IOException {
        int status = this.status; // as it was when the request came, so a test may change it once it is counted
        int n = requests.incrementAndGet();
        bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        try {
            hold.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String json = status == 200
                ? "{\"access_token\":\"token-" + n + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + "}"
                : "{\"error\":\"invalid_client\",\"error_description\":\"client secret wrong\"}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
    }

    public TokenGrant grant() {
        return new TokenGrant.ClientCredentials(uri(), "client-1",
                new TokenGrant.ClientAuthentication.ClientSecret(Secret.of("client-secret-1")), List.of("mail"));
    }

    /** Tokens from this endpoint (plain http allowed: it is loopback). */
    public BearerTokens open(java.time.Duration refreshAhead) {
        return open(refreshAhead, ProbeClock.system());
    }

    /** As {@link #open(java.time.Duration)}, the cache's "now" read from {@code clock}. */
    public BearerTokens open(java.time.Duration refreshAhead, java.time.InstantSource clock) {
        return BearerTokenSources.open(grant(), TlsPolicy.verified(), TestTimeouts.TOKEN, refreshAhead, true, clock);
    }

    public void expiresIn(int seconds) {
        expiresIn = seconds;
    }

    /** Requests counted from now on are refused (401 invalid_client). */
    public void refuseWith401() {
        status = 401;
    }

    /** Answers wait until {@link #release()}. */
    public void holdAnswers() {
        hold = new CountDownLatch(1);
    }

    public void release() {
        hold.countDown();
    }

    public int requests() {
        return requests.get();
    }

    public List<String> bodies() {
        return bodies;
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    /** Timeouts for a token endpoint on loopback. */
    public static final class TestTimeouts {
        static final Timeouts TOKEN = new Timeouts(java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(5));

        private TestTimeouts() {}
    }
}
