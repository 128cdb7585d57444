package org.mailprobe.agent.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one agent costs running many loop routes (docs/BENCHMARKS.md, "Benchmark: 1,000 routes on one agent"):
 * for each N, a GreenMail with N mailboxes in a JVM of its own ({@link ScaleGreenMail}), and the
 * agent ({@code mailprobe run}, {@code -Xmx256m}) in another, with N loop routes every 60 s, each
 * submitting to its own mailbox and watching it over IMAP IDLE. After a warm-up it measures for a
 * window and prints the agent process's CPU (from /proc), RSS, heap, threads, file descriptors,
 * the /metrics size and scrape time, probes sent and measured per minute, how late probes started
 * against their schedule, the IMAP error, the busiest second, and how long the agent took to stop.
 * Figures are printed, never asserted.
 *
 * <p>Arguments: {@code [routes,routes,...] [warm-up seconds] [window seconds]} (default
 * {@code 10,100,1000 80 150}). {@code -Dscale.agentClasspath} runs another build of the agent
 * (the "before" figures); it defaults to this JVM's class path.
 */
public final class ScaleBenchmark {
    private static final String PASSWORD = "bench-password";
    private static final Pattern SERVING = Pattern.compile("address=(http://\\S+/metrics)");
    private static final Pattern DONE = Pattern.compile("^(\\S+) .*Probe done\\. route=\\S+ result=\\S+.*?imap=(\\d+)ms");
    private static final Pattern DONE_ANY = Pattern.compile("^(\\S+) .*Probe done\\.");
    private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static int failedScrapes;
    /** The agent's heap: {@code -Dscale.agentHeap}, 256m (the systemd unit's) unless given. */
    private static final String HEAP = System.getProperty("scale.agentHeap", "256m");

    private ScaleBenchmark() {}

    public static void main(String[] args) throws Exception {
        String[] counts = (args.length > 0 ? args[0] : "10,100,1000").split(",");
        Duration warmUp = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 80);
        Duration window = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 150);
        String agentClasspath = System.getProperty("scale.agentClasspath", System.getProperty("java.class.path"));
        System.out.printf("Scale benchmark: loop routes every 60 s over IMAP IDLE, GreenMail in its own JVM, agent "
                + "-Xmx%s, warm-up %d s, window %d s, JDK %s, %d CPUs%n", HEAP, warmUp.toSeconds(), window.toSeconds(),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        List<String> rows = new ArrayList<>();
        for (String count : counts) {
            String row = run(Integer.parseInt(count.trim()), warmUp, window, agentClasspath);
            System.out.println(row);
            rows.add(row);
        }
        System.out.println();
        System.out.println("| routes | agent CPU (% of one core) | RSS MiB (peak) | heap used MiB | threads | fds "
                + "| /metrics size | scrape ms (median / max) | probes/min sent / measured | lateness p50 / p99 "
                + "| IMAP error p50 / p99 / max | busiest second (mean) | routes probed at warm-up end | stop "
                + "| scrapes failed |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    private static String run(int routes, Duration warmUp, Duration window, String agentClasspath) throws Exception {
        Path dir = Files.createTempDirectory("scale-bench-" + routes + "-");
        Process greenMail = new ProcessBuilder(java(), "-Xmx2g", "-cp", System.getProperty("java.class.path"),
                ScaleGreenMail.class.getName(), Integer.toString(routes), PASSWORD)
                .redirectError(dir.resolve("greenmail.log").toFile()).start();
        Process agent = null;
        try {
            String ports = new BufferedReader(new InputStreamReader(greenMail.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            Matcher m = Pattern.compile("smtp=(\\d+) imap=(\\d+)").matcher(ports == null ? "" : ports);
            if (!m.find()) {
                throw new IllegalStateException("GreenMail did not start; see " + dir.resolve("greenmail.log"));
            }
            Path config = writeConfig(dir, routes, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
            Path log = dir.resolve("agent.log");
            long started = System.nanoTime();
            agent = new ProcessBuilder(java(), "-Xmx" + HEAP, "-cp", agentClasspath, "org.mailprobe.agent.Main", "run",
                    "--config", config.toString(), "--web.listen-address", "127.0.0.1:0")
                    .redirectError(log.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String metrics = awaitLog(log, SERVING, Duration.ofMinutes(3));
            long pid = agent.pid();
            sleep(Duration.ofNanos(started + warmUp.toNanos() - System.nanoTime()));
            failedScrapes = 0;
            String first = scrape(metrics).body;
            int probed = first.isEmpty() ? -1 : routesProbed(first);

            if (!agent.isAlive()) {
                return exited(routes, log, started);
            }
            long cpuStart = cpuTicks(pid);
            long logStart = Files.size(log);
            long windowStart = System.nanoTime();
            Scrape atStart = scrape(metrics);
            List<Long> scrapeMillis = new ArrayList<>(List.of(atStart.millis));
            long peakRss = 0;
            long bytes = atStart.body.length();
            Scrape atEnd = atStart;
            long end = windowStart + window.toNanos();
            int tick = 0;
            while (System.nanoTime() < end) {
                sleep(Duration.ofSeconds(Math.min(15, Math.max(1, (end - System.nanoTime()) / 1_000_000_000L))));
                if (!agent.isAlive()) {
                    return exited(routes, log, started);
                }
                peakRss = Math.max(peakRss, status(pid, "VmRSS"));
                if (++tick % 2 == 0 || System.nanoTime() >= end) {
                    Scrape s = scrape(metrics);
                    scrapeMillis.add(s.millis);
                    bytes = Math.max(bytes, s.body.length());
                    if (!s.body.isEmpty()) {
                        atEnd = s;
                    }
                }
            }
            double seconds = (System.nanoTime() - windowStart) / 1e9;
            double cpu = (cpuTicks(pid) - cpuStart) / 100.0 / seconds * 100;
            long rss = status(pid, "VmRSS");
            peakRss = Math.max(peakRss, rss);
            long threads = status(pid, "Threads");
            long fds;
            try (var s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
                fds = s.count();
            }
            double heap = heapUsedMiB(pid);
            List<String> lines = readFrom(log, logStart);

            List<Long> imap = new ArrayList<>();
            Map<String, Integer> perSecond = new TreeMap<>();
            for (String line : lines) {
                Matcher d = DONE.matcher(line);
                if (d.find()) {
                    imap.add(Long.parseLong(d.group(2)));
                }
                Matcher any = DONE_ANY.matcher(line);
                if (any.find()) {
                    perSecond.merge(any.group(1).substring(0, Math.min(19, any.group(1).length())), 1, Integer::sum);
                }
            }
            Collections.sort(imap);
            Collections.sort(scrapeMillis);
            double minutes = seconds / 60;
            double sent = atStart.body.isEmpty() || atEnd == atStart ? Double.NaN : sum(atEnd.body, "mailprobe_smtp_stage_seconds_count", "stage=\"data\"")
                    - sum(atStart.body, "mailprobe_smtp_stage_seconds_count", "stage=\"data\"");
            String lateness = atStart.body.isEmpty() ? "n/a" : lateness(atStart.body, atEnd.body);
            int busiest = perSecond.values().stream().mapToInt(Integer::intValue).max().orElse(0);

            long stopStart = System.nanoTime();
            agent.toHandle().destroy();
            boolean stopped = agent.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
            double stopSeconds = (System.nanoTime() - stopStart) / 1e9;

            return String.format("| %,d | %.1f | %d (%d) | %.0f | %d | %d | %s | %d / %d | %.1f / %.1f | %s "
                    + "| %s / %s / %s ms | %d (%.1f) | %d / %d | %s | %d of %d |",
                    routes, cpu, rss / 1024, peakRss / 1024, heap, threads, fds, size(bytes),
                    scrapeMillis.get(scrapeMillis.size() / 2), scrapeMillis.get(scrapeMillis.size() - 1),
                    sent / minutes, imap.size() / minutes, lateness, pct(imap, 0.5), pct(imap, 0.99),
                    imap.isEmpty() ? "-" : imap.get(imap.size() - 1), busiest,
                    perSecond.isEmpty() ? 0.0 : imap.size() / seconds, probed, routes,
                    stopped ? String.format("%.1f s", stopSeconds) : "> 60 s", failedScrapes, scrapeMillis.size() + 1);
        } finally {
            if (agent != null && agent.isAlive()) {
                agent.destroyForcibly().waitFor();
            }
            greenMail.getOutputStream().close();
            if (!greenMail.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                greenMail.destroyForcibly().waitFor();
            }
        }
    }

    /** The row of an agent that exited before the end of its window, with the first error it logged. */
    private static String exited(int routes, Path log, long started) throws IOException {
        String error = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(l -> l.contains("[ERROR]")).findFirst().orElse("(no error logged)");
        return String.format("| %,d | the agent exited %.0f s after its launch: %s |", routes,
                (System.nanoTime() - started) / 1e9, error.length() > 200 ? error.substring(0, 200) + "..." : error);
    }

    private static Path writeConfig(Path dir, int routes, int smtp, int imap) throws IOException {
        Files.writeString(dir.resolve("key.secret"), "scale-benchmark-key-0123456789abcdef");
        Files.writeString(dir.resolve("password"), PASSWORD);
        StringBuilder y = new StringBuilder();
        y.append("agent: {id: scale-bench, site: bench, key_file: key.secret, hostname: probe.test}\n");
        y.append("servers:\n");
        y.append("  smtp: {protocol: smtp, host: 127.0.0.1, port: ").append(smtp)
                .append(", tls: plain, insecure_plain_auth: true}\n");
        y.append("  imap: {protocol: imap, host: 127.0.0.1, port: ").append(imap)
                .append(", tls: plain, insecure_plain_auth: true}\n");
        y.append("accounts:\n");
        for (int i = 0; i < routes; i++) {
            y.append("  u").append(i).append(": {address: ").append(ScaleGreenMail.address(i))
                    .append(", password_file: password}\n");
        }
        y.append("routes:\n");
        for (int i = 0; i < routes; i++) {
            y.append("  - {name: r").append(i).append(", kind: loop, from: u").append(i).append(", submit_via: smtp, to: u")
                    .append(i).append(", interval: 60s, timeout: 5m, watch: [{path: imap, server: imap}]}\n");
        }
        return Files.writeString(dir.resolve("mailprobe.yml"), y.toString());
    }

    /** Routes with at least one finished probe counted (success or failure). */
    private static int routesProbed(String page) {
        Map<String, Double> perRoute = new HashMap<>();
        Pattern route = Pattern.compile("route=\"([^\"]+)\"");
        for (String line : page.split("\n")) {
            if (line.startsWith("mailprobe_probes_total{")) {
                Matcher r = route.matcher(line);
                if (r.find()) {
                    perRoute.merge(r.group(1), value(line), Double::sum);
                }
            }
        }
        return (int) perRoute.values().stream().filter(v -> v >= 1).count();
    }

    /** p50 / p99 of the probes' schedule lateness in the window, as the bucket bound they fall under. */
    private static String lateness(String before, String after) {
        String name = "mailprobe_probe_schedule_lateness_seconds_bucket";
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (String[] page : new String[][] {{before, "-1"}, {after, "1"}}) {
            for (String line : page[0].split("\n")) {
                if (line.startsWith(name + "{")) {
                    Matcher le = LE.matcher(line);
                    if (le.find()) {
                        double bound = "+Inf".equals(le.group(1)) ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
                        buckets.merge(bound, Double.parseDouble(page[1]) * value(line), Double::sum);
                    }
                }
            }
        }
        if (buckets.isEmpty() || buckets.lastEntry().getValue() <= 0) {
            return "n/a";
        }
        double total = buckets.lastEntry().getValue();
        return "<= " + bound(buckets, total * 0.5) + " / <= " + bound(buckets, total * 0.99) + " ms";
    }

    private static String bound(TreeMap<Double, Double> cumulative, double count) {
        for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
            if (e.getValue() >= count) {
                return e.getKey().isInfinite() ? "inf" : String.format("%.0f", e.getKey() * 1000);
            }
        }
        return "inf";
    }

    private static double sum(String page, String name, String contains) {
        double total = 0;
        for (String line : page.split("\n")) {
            if (line.startsWith(name + "{") && line.contains(contains)) {
                total += value(line);
            }
        }
        return total;
    }

    private static double value(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }

    private static String pct(List<Long> sorted, double p) {
        return sorted.isEmpty() ? "-" : Long.toString(sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1)));
    }

    private static String size(long bytes) {
        return bytes >= 1 << 20 ? String.format("%.1f MiB", bytes / 1048576.0) : String.format("%.0f KiB", bytes / 1024.0);
    }

    private record Scrape(String body, long millis) {}

    /**
     * One scrape with Prometheus's default 10 s timeout; a failed one (timed out, cut off, not 200)
     * is counted and has an empty body and the time it took.
     */
    private static Scrape scrape(String url) throws InterruptedException {
        long t = System.nanoTime();
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return new Scrape(r.body(), (System.nanoTime() - t) / 1_000_000);
            }
        } catch (IOException e) {
            // counted below
        }
        failedScrapes++;
        return new Scrape("", (System.nanoTime() - t) / 1_000_000);
    }

    private static String awaitLog(Path log, Pattern p, Duration within) throws IOException, InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(log)) {
                Matcher m = p.matcher(Files.readString(log, StandardCharsets.UTF_8));
                if (m.find()) {
                    return m.group(1);
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the agent did not log " + p + " within " + within + "; see " + log);
    }

    private static List<String> readFrom(Path log, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            f.seek(offset);
            byte[] rest = new byte[(int) (f.length() - offset)];
            f.readFully(rest);
            return List.of(new String(rest, StandardCharsets.UTF_8).split("\n"));
        }
    }

    /** User plus system CPU of the process, in clock ticks (100 a second on Linux). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** A number from /proc/PID/status: kB for memory lines, a count for Threads. */
    private static long status(long pid, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(key + ":")) {
                return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    /** The heap in use now (not after a collection), from {@code jcmd PID GC.heap_info}. */
    private static double heapUsedMiB(long pid) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "GC.heap_info").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor();
        Matcher m = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K").matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) / 1024.0 : -1;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void sleep(Duration d) throws InterruptedException {
        if (!d.isNegative() && !d.isZero()) {
            Thread.sleep(d.toMillis());
        }
    }
}
