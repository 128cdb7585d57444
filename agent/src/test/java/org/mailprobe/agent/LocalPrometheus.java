package org.mailprobe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mailprobe.agent.deploy.PrometheusTools;
import org.mailprobe.agent.runtime.Scrapes;

/**
 * Debian's Prometheus on loopback, scraping one agent every second as job {@code mailprobe} with
 * the labels {@code site: it-site, agent: it-agent}, with the shipped rules evaluated every second.
 */
final class LocalPrometheus implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final String api;

    private LocalPrometheus(Process process, Path log, String api) {
        this.process = process;
        this.log = log;
        this.api = api;
    }

    /** Starts it in {@code dir} (its config, TSDB and log go there) scraping {@code metricsUrl}. */
    static LocalPrometheus start(Path dir, String metricsUrl) throws IOException {
        Path config = writeConfig(dir, metricsUrl);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path log = dir.resolve("prometheus.log");
        Process p = new ProcessBuilder(List.of(PrometheusTools.prometheus().toString(),
                "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new LocalPrometheus(p, log, "http://127.0.0.1:" + port);
    }

    /** The base URL of its HTTP API. */
    String api() {
        return api;
    }

    /** Waits up to {@code seconds} until the query returns a sample; fails if Prometheus exits. */
    void awaitAnswer(String promql, int seconds) throws InterruptedException {
        Instant until = Instant.now().plusSeconds(seconds);
        while (Instant.now().isBefore(until) && !answers(promql)) {
            assertTrue(process.isAlive(), () -> "Prometheus exited:\n" + log());
            Thread.sleep(500);
        }
    }

    /** The value of a query that returns at most one sample; null if it returns none. */
    Double query(String promql) throws IOException, InterruptedException {
        var response = Scrapes.get(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        if (response.statusCode() != 200) {
            return null;
        }
        JsonNode result = JSON.readTree(response.body()).path("data").path("result");
        if (result.size() == 0) {
            return null;
        }
        assertEquals(1, result.size(), promql + " returned " + result);
        return Double.valueOf(result.get(0).path("value").get(1).asText());
    }

    /** Whether Prometheus is up and returns a sample for the query. */
    boolean answers(String promql) throws InterruptedException {
        try {
            return query(promql) != null;
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    private static Path writeConfig(Path dir, String metricsUrl) throws IOException {
        Path rules = PrometheusTools.deployDir().resolve("prometheus").resolve("rules");
        List<String> lines = new ArrayList<>(List.of(
                "global:",
                "  scrape_interval: 1s",
                "  scrape_timeout: 900ms",
                "  evaluation_interval: 1s",
                "rule_files:"));
        for (Path r : PrometheusTools.files(rules, ".yml")) {
            lines.add("  - " + r);
        }
        String target = metricsUrl.replaceFirst("^http://", "").replaceFirst("/metrics$", "");
        lines.addAll(List.of(
                "scrape_configs:",
                "  - job_name: mailprobe",
                "    honor_labels: true",
                "    static_configs:",
                "      - targets: ['" + target + "']",
                "        labels: {site: it-site, agent: it-agent}",
                ""));
        return Files.write(dir.resolve("prometheus.yml"), lines, StandardCharsets.UTF_8);
    }
}
