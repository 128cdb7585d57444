package org.mailprobe.agent.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code /-/reload} only with --web.enable-lifecycle, only by POST, never from a web page of another origin. */
@Timeout(60)
class LifecycleEndpointsTest {
    final AtomicInteger reloads = new AtomicInteger();
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    WebServer web;

    String start(boolean lifecycle) throws Exception {
        web = new WebServer(new InetSocketAddress("127.0.0.1", 0), WebConfig.NONE.withLifecycle(lifecycle),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true);
        web.enableReload(() -> "Config reloaded: " + reloads.incrementAndGet() + ".");
        web.start();
        return "http://" + web.hostPort() + "/-/reload";
    }

    @AfterEach
    void stop() {
        if (web != null) {
            web.close();
        }
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void reloadIsForbiddenWithoutEnableLifecycle() throws Exception {
        String url = start(false);

        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()));

        assertEquals(403, r.statusCode());
        assertEquals("Lifecycle endpoints are off: start mailprobe with --web.enable-lifecycle to reload by HTTP, "
                + "or send it SIGHUP.\n", r.body());
        assertEquals(0, reloads.get());
    }

    @Test
    void reloadWithEnableLifecycleReloads() throws Exception {
        String url = start(true);

        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()));

        assertEquals(200, r.statusCode(), r.body());
        assertEquals("Config reloaded: 1.\n", r.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "PUT", "DELETE"})
    void reloadByAnotherMethodThanPostIsRefused(String method) throws Exception {
        String url = start(true);

        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url))
                .method(method, HttpRequest.BodyPublishers.noBody()));

        assertEquals(405, r.statusCode());
        assertEquals("POST", r.headers().firstValue("Allow").orElse(""));
        assertEquals(0, reloads.get());
    }

    @Test
    void crossOriginPostIsRefused() throws Exception {
        String url = start(true);

        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("another origin (https://evil.example)"), r.body());
        assertEquals(0, reloads.get());
    }

    @Test
    void postThatABrowserMarksCrossSiteIsRefused() throws Exception {
        String url = start(true);

        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).header("Sec-Fetch-Site", "cross-site")
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertEquals(403, r.statusCode());
        assertEquals(0, reloads.get());
    }

    @Test
    void sameOriginPostReloads() throws Exception {
        String url = start(true);

        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url))
                .header("Origin", "http://" + web.hostPort()).POST(HttpRequest.BodyPublishers.noBody()));

        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, reloads.get());
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "text/plain;charset=UTF-8"})
    void postWithAContentTypeAFormCanSendIsRefused(String type) throws Exception {
        String url = start(true);

        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString("a=b")));

        assertEquals(415, r.statusCode());
        assertEquals(0, reloads.get());
    }

    @Test
    void postWithABodyOverTheLimitIsRefused() throws Exception {
        String url = start(true);

        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(LifecycleGuard.MAX_BODY_BYTES + 1))));

        assertEquals(413, r.statusCode());
        assertEquals(0, reloads.get());
    }
}
