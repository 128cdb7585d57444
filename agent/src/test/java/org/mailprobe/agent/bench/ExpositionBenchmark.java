package org.mailprobe.agent.bench;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.mailprobe.agent.metrics.RouteScaleMetrics;
import org.mailprobe.agent.web.WebServer;

/**
 * Size and time of a scrape of {@code /metrics} for agents of 10, 100, 1,000 and 5,000 routes
 * (issue 13), populated as after probes on every path and reason ({@link RouteScaleMetrics}), over
 * HTTP on loopback as Prometheus scrapes it: plain text, text with gzip, and OpenMetrics with gzip
 * (Prometheus's own Accept headers). Per scrape: the bytes on the wire, the wall time of the
 * request (p50, p90, max), the CPU time and the heap allocated by the whole JVM (server and client:
 * the client's copy of the body counts too), and the scrapes that failed. Prints figures; asserts
 * nothing.
 *
 * <p>Arguments: the route counts (default 10 100 1000 5000), then {@code scrapes=N} (default 20).
 */
public final class ExpositionBenchmark {
    private static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,"
            + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private ExpositionBenchmark() {}

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        int scrapes = 20;
        for (String arg : args) {
            if (arg.startsWith("scrapes=")) {
                scrapes = Integer.parseInt(arg.substring("scrapes=".length()));
            } else {
                sizes.add(Integer.parseInt(arg));
            }
        }
        if (sizes.isEmpty()) {
            sizes = List.of(10, 100, 1_000, 5_000);
        }
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "Exposition benchmark: %d scrapes each after 3 warm-up, Java %s, max heap %d MiB, "
                + "%d CPUs%n", scrapes, System.getProperty("java.version"), rt.maxMemory() >> 20, rt.availableProcessors());
        System.out.printf(Locale.ROOT, "%7s  %-18s %12s %8s %8s %8s %8s %8s %6s%n", "routes", "scrape", "bytes",
                "p50 ms", "p90 ms", "max ms", "CPU ms", "MB alloc", "failed");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int routes : sizes) {
            RouteScaleMetrics agent;
            try {
                agent = new RouteScaleMetrics(routes);
            } catch (OutOfMemoryError e) {
                System.out.printf(Locale.ROOT, "%7d  the metrics do not fit in the heap: %s%n", routes, e);
                continue;
            }
            PrometheusMeterRegistry registry = agent.registry();
            try (WebServer web = new WebServer(new InetSocketAddress("127.0.0.1", 0), registry, () -> true)) {
                web.start();
                URI uri = URI.create("http://127.0.0.1:" + web.address().getPort() + "/metrics");
                run(client, uri, routes, "text", scrapes, "Accept", "text/plain");
                run(client, uri, routes, "text, gzip", scrapes, "Accept-Encoding", "gzip");
                run(client, uri, routes, "openmetrics, gzip", scrapes, "Accept", PROMETHEUS_ACCEPT,
                        "Accept-Encoding", "gzip");
            }
            agent = null;
            registry = null;
            System.gc();
        }
    }

    private static void run(HttpClient client, URI uri, int routes, String name, int scrapes, String... headers)
            throws InterruptedException {
        List<Double> millis = new ArrayList<>();
        long bytes = -1;
        int failed = 0;
        String failure = "";
        long cpu = 0;
        long allocated = 0;
        for (int i = 0; i < scrapes + 3; i++) {
            HttpRequest request = HttpRequest.newBuilder(uri).headers(headers).timeout(Duration.ofSeconds(30)).build();
            long cpuBefore = OS.getProcessCpuTime();
            long allocatedBefore = allocated();
            long start = System.nanoTime();
            try {
                HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                double took = (System.nanoTime() - start) / 1e6;
                if (r.statusCode() != 200) {
                    failed++;
                    failure = "HTTP " + r.statusCode();
                } else if (i >= 3) {
                    millis.add(took);
                    bytes = r.body().length;
                    cpu += OS.getProcessCpuTime() - cpuBefore;
                    allocated += allocated() - allocatedBefore;
                }
            } catch (IOException e) {
                failed++;
                failure = e.toString();
            }
        }
        Collections.sort(millis);
        int n = Math.max(1, millis.size());
        System.out.printf(Locale.ROOT, "%7d  %-18s %,12d %8s %8s %8s %8.1f %8.1f %6d%s%n", routes, name, bytes,
                pct(millis, 0.5), pct(millis, 0.9), pct(millis, 1.0), cpu / 1e6 / n, allocated / 1e6 / n, failed,
                failed > 0 ? "  (" + failure + ")" : "");
    }

    /** Bytes allocated so far by every live thread (the JDK counts per thread). */
    private static long allocated() {
        long sum = 0;
        for (long bytes : THREADS.getThreadAllocatedBytes(THREADS.getAllThreadIds())) {
            sum += Math.max(0, bytes);
        }
        return sum;
    }

    private static String pct(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return "-";
        }
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return String.format(Locale.ROOT, "%.1f", sorted.get(Math.max(0, Math.min(i, sorted.size() - 1))));
    }
}
