package org.mailprobe.agent.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.Collector;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.agent.metrics.RouteScaleMetrics;

/**
 * {@code /metrics} streams the exposition, gzip-compressed when asked, in both text formats; a
 * scrape that runs out of memory is a 503 before its body, or a broken body, never a short one
 * that reads as whole (issue 13).
 */
@Timeout(60)
class MetricsEndpointTest {
    /** A sample line of either text format: name, optional labels, value, optional timestamp. */
    static final Pattern SAMPLE = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})? \\S+( \\S+)?");
    static final int ROUTES = 100;

    final RouteScaleMetrics agent = new RouteScaleMetrics(ROUTES);
    final PrometheusMeterRegistry registry = agent.registry();
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    AutoCloseable server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aScrapeThatAsksForGzipGetsTheWholeExpositionCompressed() throws Exception {
        String base = startWebServer();
        HttpResponse<byte[]> r = get(base, "Accept-Encoding", "gzip");

        assertEquals(200, r.statusCode());
        assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElse(""));
        assertEquals("Accept-Encoding", r.headers().firstValue("Vary").orElse(""));
        assertFalse(r.headers().firstValue("Content-Length").isPresent(), "streamed, so chunked");
        String text = gunzip(r.body());
        assertWellFormed(text);
        assertEquals(registry.scrape(MetricsHandler.TEXT_004), text);
    }

    @Test
    void aScrapeThatDoesNotAskForGzipGetsPlainText() throws Exception {
        String base = startWebServer();
        HttpResponse<byte[]> r = get(base, "Accept", "text/plain");

        assertEquals(200, r.statusCode());
        assertFalse(r.headers().firstValue("Content-Encoding").isPresent());
        assertEquals(MetricsHandler.TEXT_004, r.headers().firstValue("Content-Type").orElse(""));
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertWellFormed(text);
        assertEquals(registry.scrape(MetricsHandler.TEXT_004), text);
    }

    @Test
    void gzipRefusedWithQZeroGetsPlainText() throws Exception {
        String base = startWebServer();
        HttpResponse<byte[]> r = get(base, "Accept-Encoding", "gzip;q=0, identity");

        assertFalse(r.headers().firstValue("Content-Encoding").isPresent());
        assertWellFormed(new String(r.body(), StandardCharsets.UTF_8));
    }

    @Test
    void openMetricsAskedAsPrometheusAsksIsServedWholeAndCompressed() throws Exception {
        String base = startWebServer();
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(base))
                .header("Accept", "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                        + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
                .header("Accept-Encoding", "gzip").timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, r.statusCode());
        assertEquals(MetricsHandler.OPENMETRICS, r.headers().firstValue("Content-Type").orElse(""));
        String text = gunzip(r.body());
        assertWellFormed(text);
        assertTrue(text.endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
    }

    @Test
    void aScrapeThatRunsOutOfMemoryBeforeItsBodyIsAnswered503() throws Exception {
        assumeTrue(Runtime.getRuntime().maxMemory() < 8L * (Integer.MAX_VALUE - 8), "a heap of 16 GiB or more");
        // A collector that needs more than the heap: a real OutOfMemoryError while the registry
        // collects its samples, before a byte of the body.
        registry.getPrometheusRegistry().register((Collector) () -> {
            long[] tooBig = new long[Integer.MAX_VALUE - 8];
            throw new AssertionError("allocated " + tooBig.length);
        });
        String base = startWebServer();
        HttpResponse<byte[]> r = get(base, "Accept-Encoding", "gzip");

        assertEquals(503, r.statusCode());
        assertFalse(r.headers().firstValue("Content-Encoding").isPresent());
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).startsWith("The scrape failed (OutOfMemoryError)"));
    }

    @Test
    void aScrapeThatRunsOutOfMemoryMidBodyEndsInABrokenResponseNotAShortOne() throws Exception {
        assumeTrue(Runtime.getRuntime().maxMemory() < 8L * (Integer.MAX_VALUE - 8), "a heap of 16 GiB or more");
        // The real exposition, and a real OutOfMemoryError once 64 KiB of it have gone out: what a
        // 256 MiB agent did mid-response. Whole lines had gone out, so a short body would parse.
        MetricsHandler.Exposition failing = (out, contentType) -> registry.scrape(new FilterOutputStream(out) {
            long written;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                written += len;
                if (written > 64 * 1024) {
                    long[] tooBig = new long[Integer.MAX_VALUE - 8];
                    throw new AssertionError("allocated " + tooBig.length);
                }
            }
        }, contentType);
        HttpServer jdk = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jdk.createContext("/metrics", new MetricsHandler(failing));
        jdk.start();
        server = () -> jdk.stop(0);
        String base = "http://127.0.0.1:" + jdk.getAddress().getPort() + "/metrics";

        assertThrows(IOException.class, () -> get(base, "Accept", "text/plain"));
    }

    @Test
    void aHeadRequestGetsTheHeadersAndNoBody() throws Exception {
        String base = startWebServer();
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(base))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(200, r.statusCode());
        assertEquals(MetricsHandler.TEXT_004, r.headers().firstValue("Content-Type").orElse(""));
        assertEquals(0, r.body().length);
    }

    private String startWebServer() throws IOException {
        WebServer web = new WebServer(new InetSocketAddress("127.0.0.1", 0), registry, () -> true);
        web.start();
        server = web;
        return "http://127.0.0.1:" + web.address().getPort() + "/metrics";
    }

    private HttpResponse<byte[]> get(String url, String header, String value) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).header(header, value)
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String gunzip(byte[] body) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Every line a comment or a sample, every route's series present: the exposition is whole. */
    private static void assertWellFormed(String text) {
        List<String> lines = text.lines().toList();
        for (String line : lines) {
            assertTrue(line.startsWith("#") || SAMPLE.matcher(line).matches(), "not a sample: " + line);
        }
        long routes = lines.stream().filter(l -> l.startsWith("mailprobe_last_success_timestamp_seconds{")).count();
        assertEquals(ROUTES, routes, "routes in the exposition");
    }
}
