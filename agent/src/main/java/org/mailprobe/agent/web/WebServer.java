package org.mailprobe.agent.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP endpoint on the JDK's own server: {@code /metrics} for Prometheus,
 * {@code /-/healthy} (the process is alive) and {@code /-/ready} (schedules and watchers have
 * started), as Prometheus's own components do.
 */
public final class WebServer implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(WebServer.class);

    static {
        JdkServerLimits.apply();
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final WebConfig webConfig;

    public WebServer(InetSocketAddress address, PrometheusMeterRegistry registry, BooleanSupplier ready)
            throws IOException {
        this(address, WebConfig.NONE, registry, ready);
    }

    /** With TLS and basic authentication as {@code webConfig} says (every path is protected). */
    public WebServer(InetSocketAddress address, WebConfig webConfig, PrometheusMeterRegistry registry,
            BooleanSupplier ready) throws IOException {
        this.webConfig = webConfig;
        server = webConfig.createServer(address);
        AtomicInteger n = new AtomicInteger();
        // One thread per connection at most, made on demand: the JDK caps connections, and a slow
        // client holds its thread only until the request deadline (JdkServerLimits).
        executor = new ThreadPoolExecutor(0, JdkServerLimits.maxConnections(), 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "mailprobe-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        server.setExecutor(executor);
        webConfig.protect(server.createContext("/metrics", new MetricsHandler(registry::scrape)));
        webConfig.protect(server.createContext("/-/healthy",
                ex -> handle(ex, () -> respond(ex, 200, "text/plain", "mailprobe is healthy.\n"))));
        webConfig.protect(server.createContext("/-/ready", ex -> handle(ex, () -> {
            if (ready.getAsBoolean()) {
                respond(ex, 200, "text/plain", "mailprobe is ready.\n");
            } else {
                respond(ex, 503, "text/plain", "mailprobe is not ready yet.\n");
            }
        })));
        webConfig.protect(server.createContext("/", ex -> handle(ex, () -> {
            if (!"/".equals(ex.getRequestURI().getPath())) {
                respond(ex, 404, "text/plain", "Not found.\n");
                return;
            }
            respond(ex, 200, "text/html; charset=utf-8", "<!doctype html><html><head><title>mailprobe</title></head>"
                    + "<body><h1>mailprobe</h1><ul><li><a href=\"metrics\">metrics</a></li>"
                    + "<li><a href=\"-/healthy\">healthy</a></li><li><a href=\"-/ready\">ready</a></li></ul></body></html>");
        })));
    }

    /** What {@code POST /-/reload} does: returns a sentence, or throws with the reason it did not reload. */
    @FunctionalInterface
    public interface Reloader {
        String reload() throws Exception;
    }

    /**
     * Serves {@code POST /-/reload}, as Prometheus does: 200 and what was applied, or 500 and every
     * problem of the new config (the old one stays in force). Only with {@code --web.enable-lifecycle}
     * (otherwise 403), only by POST, and never for a request a web page in another origin could
     * make from an operator's browser (an {@code Origin} of another site, or a form's content type).
     */
    public void enableReload(Reloader reloader) {
        webConfig.protect(server.createContext("/-/reload", ex -> {
            try (ex) {
                LifecycleGuard.Refusal refusal = LifecycleGuard.check(ex, webConfig);
                if (refusal != null) {
                    logger.warn("Refused a lifecycle request. path={} method={} remote={} status={} reason=\"{}\"",
                            ex.getRequestURI().getPath(), ex.getRequestMethod(), ex.getRemoteAddress(),
                            refusal.status(), refusal.sentence());
                    if (refusal.status() == 405) {
                        ex.getResponseHeaders().set("Allow", "POST");
                    }
                    respond(ex, refusal.status(), "text/plain; charset=utf-8", refusal.sentence() + "\n");
                    return;
                }
                String body;
                int status;
                try {
                    body = reloader.reload();
                    status = 200;
                } catch (Exception e) {
                    body = "Reload failed; the running config stays in force:\n" + e.getMessage();
                    status = 500;
                }
                respond(ex, status, "text/plain; charset=utf-8", body + "\n");
            } catch (IOException | RuntimeException e) {
                logger.warn("HTTP request failed. path={} error={}", ex.getRequestURI().getPath(), e.toString());
            }
        }));
    }

    /**
     * Serves {@code GET /sink/deliveries} for agents that send to this sink from elsewhere
     * ({@code sink: remote:}); {@code endpoint} authenticates each request and signs its answer.
     */
    public void enableSinkFeed(FeedEndpoint endpoint) {
        webConfig.protect(server.createContext("/sink/deliveries", ex -> handle(ex, () -> {
            FeedEndpoint.Answer answer = endpoint.answer(ex.getRequestURI().getRawQuery(),
                    ex.getRequestHeaders().getFirst(FeedEndpoint.AUTH_HEADER));
            answer.headers().forEach(ex.getResponseHeaders()::set);
            respond(ex, answer.status(), answer.contentType(), answer.body());
        })));
    }

    public void start() {
        server.start();
        logger.info("Serving metrics. address={}://{}/metrics tls={} basic_auth={}", webConfig.tls() ? "https" : "http",
                hostPort(), webConfig.tls(), webConfig.basicAuth());
    }

    /** The bound address, with the real port when 0 was asked for. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    public String hostPort() {
        InetSocketAddress a = address();
        String host = a.getAddress().isAnyLocalAddress() ? "localhost" : a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return host + ":" + a.getPort();
    }

    private interface Handler {
        void run() throws IOException;
    }

    private static void handle(HttpExchange ex, Handler handler) {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                respond(ex, 405, "text/plain", "Only GET is allowed.\n");
                return;
            }
            handler.run();
        } catch (IOException | RuntimeException e) {
            logger.warn("HTTP request failed. path={} error={}", ex.getRequestURI().getPath(), e.toString());
        }
    }

    static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
