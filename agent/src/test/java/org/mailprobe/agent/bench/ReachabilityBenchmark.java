package org.mailprobe.agent.bench;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.mailprobe.agent.config.EndpointConfig;
import org.mailprobe.agent.config.ReachabilityConfig;
import org.mailprobe.agent.config.ServiceConfig;
import org.mailprobe.agent.metrics.AgentMetrics;
import org.mailprobe.agent.reachability.Reachability;
import org.mailprobe.probes.EndpointKind;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.reachability.ReachabilitySettings;

/**
 * How much one agent costs checking many endpoints (docs/BENCHMARKS.md, "Benchmark: reachability at scale"):
 * {@code endpoints} SMTP endpoints every {@code interval} (default 1,000 at 15 s, 2 retries, 32
 * threads) against trivial 220-greeting servers on loopback, which run in a child JVM so that their
 * CPU and memory are not counted. After one interval of warm-up it measures for {@code duration}
 * and prints the agent process's CPU use (percent of one core), RSS, heap, and how late checks
 * started against their schedule. Figures are printed, never asserted.
 *
 * <p>Arguments: {@code [endpoints] [interval seconds] [duration seconds]}.
 */
public final class ReachabilityBenchmark {
    private static final int SERVERS = 4;
    private static final double[] LATENESS_BOUNDS = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};

    private ReachabilityBenchmark() {}

    public static void main(String[] args) throws Exception {
        int endpoints = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Duration interval = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 15);
        Duration duration = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 60);

        Process servers = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), Servers.class.getName(),
                Integer.toString(SERVERS)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            List<Integer> ports = new ArrayList<>();
            BufferedReader out = new BufferedReader(new InputStreamReader(servers.getInputStream(),
                    StandardCharsets.US_ASCII));
            for (String p : out.readLine().trim().split(" ")) {
                ports.add(Integer.parseInt(p));
            }
            run(endpoints, interval, duration, ports);
        } finally {
            servers.destroy();
        }
    }

    private static void run(int n, Duration interval, Duration duration, List<Integer> ports) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!id.getName().equals("mailprobe.reachability.schedule.lateness")) {
                    return config;
                }
                return DistributionStatisticConfig.builder().percentiles(0.5, 0.99).percentilePrecision(3)
                        .expiry(duration.plus(interval).multipliedBy(2)).bufferLength(1)
                        .serviceLevelObjectives(nanos(LATENESS_BOUNDS)).build().merge(config);
            }
        });
        Map<String, EndpointConfig> endpoints = new LinkedHashMap<>();
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = "ep-" + i;
            ReachabilitySettings check = new ReachabilitySettings(EndpointKind.SMTP,
                    new ServerEndpoint("127.0.0.1", ports.get(i % ports.size()), TlsMode.PLAIN), TlsPolicy.verified(),
                    Timeouts.DEFAULT, null, "/", Set.of(200), "bench.test");
            endpoints.put(name, new EndpointConfig(name, check, interval, Duration.ofSeconds(10), 2, true));
            groups.computeIfAbsent("svc-" + (i % 10), k -> new ArrayList<>()).add(name);
        }
        Map<String, ServiceConfig> services = new LinkedHashMap<>();
        groups.forEach((name, members) -> services.put(name,
                new ServiceConfig(name, members, ServiceConfig.DownWhen.ANY)));
        Path stateDir = Files.createTempDirectory("mailprobe-bench");
        ReachabilityConfig config = new ReachabilityConfig(stateDir, 32, endpoints, services, Map.of(), List.of(), null);

        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Reachability reachability = new Reachability(config, new AgentMetrics(registry, "bench"),
                ProbeClock.system()::now)) {
            reachability.start();
            System.out.printf("Warming up for one interval (%d s): %d endpoints, %d servers on loopback.%n",
                    interval.toSeconds(), n, ports.size());
            Thread.sleep(interval.toMillis());
            Timer lateness = registry.get("mailprobe.reachability.schedule.lateness").timer();
            HistogramSnapshot before = lateness.takeSnapshot();
            double checksBefore = checks(registry);
            long cpuBefore = os.getProcessCpuTime();
            long wallBefore = System.nanoTime();
            System.out.printf("Measuring for %d s.%n", duration.toSeconds());
            Thread.sleep(duration.toMillis());
            long cpu = os.getProcessCpuTime() - cpuBefore;
            long wall = System.nanoTime() - wallBefore;
            HistogramSnapshot after = lateness.takeSnapshot();
            double checks = checks(registry) - checksBefore;
            long rssKb = procStatus("VmRSS:");
            long peakKb = procStatus("VmHWM:");
            Runtime rt = Runtime.getRuntime();
            long heapUsed = rt.totalMemory() - rt.freeMemory();
            long heapCommitted = rt.totalMemory();

            System.out.printf("%nReachability benchmark: %d endpoints every %d s, retries 2, 32 threads, %d s measured%n",
                    n, interval.toSeconds(), duration.toSeconds());
            System.out.printf("  checks finished:   %.0f (%.1f/s), failures: %.0f%n", checks,
                    checks / (wall / 1e9), failures(registry));
            System.out.printf("  CPU:               %.2f%% of one core (process CPU time / wall time)%n",
                    100.0 * cpu / wall);
            System.out.printf("  RSS:               %.1f MiB (peak %.1f MiB)%n", rssKb / 1024.0, peakKb / 1024.0);
            System.out.printf("  heap:              %.1f MiB used, %.1f MiB committed, max %.0f MiB%n",
                    heapUsed / 1048576.0, heapCommitted / 1048576.0, rt.maxMemory() / 1048576.0);
            System.out.printf("  start lateness:    p50 %.2f ms, p99 %.2f ms, max %.2f ms (whole run, %d starts)%n",
                    percentile(after, 0.5), percentile(after, 0.99), after.max(TimeUnit.MILLISECONDS), after.count());
            System.out.printf("  lateness buckets after warm-up (%d starts):%n", after.count() - before.count());
            printBuckets(before, after);
        }
    }

    private static double percentile(HistogramSnapshot s, double p) {
        for (ValueAtPercentile v : s.percentileValues()) {
            if (v.percentile() == p) {
                return v.value(TimeUnit.MILLISECONDS);
            }
        }
        return Double.NaN;
    }

    private static void printBuckets(HistogramSnapshot before, HistogramSnapshot after) {
        CountAtBucket[] a = after.histogramCounts();
        CountAtBucket[] b = before.histogramCounts();
        double total = after.count() - before.count();
        for (int i = 0; i < a.length; i++) {
            double within = a[i].count() - (i < b.length ? b[i].count() : 0);
            System.out.printf("    <= %7.1f ms: %6.2f%%%n", a[i].bucket(TimeUnit.MILLISECONDS), 100.0 * within / total);
        }
    }

    private static double checks(PrometheusMeterRegistry registry) {
        return registry.find("mailprobe.reachability.checks").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static double failures(PrometheusMeterRegistry registry) {
        return registry.find("mailprobe.reachability.checks").tag("result", "failure").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    private static long procStatus(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    private static double[] nanos(double[] seconds) {
        double[] n = new double[seconds.length];
        for (int i = 0; i < seconds.length; i++) {
            n[i] = seconds[i] * 1e9;
        }
        return n;
    }

    /** The child JVM: {@code count} loopback servers that greet with 220 and close after the client's next line. */
    public static final class Servers {
        private Servers() {}

        public static void main(String[] args) throws IOException {
            int count = Integer.parseInt(args[0]);
            ExecutorService pool = Executors.newFixedThreadPool(16);
            StringBuilder ports = new StringBuilder();
            for (int i = 0; i < count; i++) {
                ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
                ports.append(server.getLocalPort()).append(' ');
                Thread accept = new Thread(() -> {
                    while (true) {
                        try {
                            Socket s = server.accept();
                            pool.execute(() -> greet(s));
                        } catch (IOException e) {
                            return;
                        }
                    }
                }, "accept-" + i);
                accept.start();
            }
            System.out.println(ports.toString().trim());
            System.out.flush();
        }

        private static void greet(Socket s) {
            try (s) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write("220 bench.test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                s.getInputStream().read();
            } catch (IOException e) {
                // the client went away
            }
        }
    }
}
