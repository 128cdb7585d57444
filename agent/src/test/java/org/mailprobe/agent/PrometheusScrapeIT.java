package org.mailprobe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.deploy.PrometheusTools;
import org.mailprobe.agent.runtime.ConfigFiles;
import org.mailprobe.agent.runtime.Scrapes;
import org.mailprobe.probes.testing.TestProvider;

/**
 * A real Prometheus (Debian's package) on loopback scrapes the packaged jar's {@code run} every
 * second, with the shipped rules evaluated every second; a GreenMail provider is stopped for a
 * known time, and the clause-2 recording rule must return that outage.
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusScrapeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The check interval of the endpoints, and Prometheus's scrape and evaluation interval. */
    private static final double INTERVAL_SECONDS = 1.0;

    @TempDir
    static Path dir;

    private TestProvider provider;
    private Process agent;
    private final List<String> agentLog = new CopyOnWriteArrayList<>();
    private String metricsUrl;

    @BeforeAll
    void startProviderAndAgent() throws Exception {
        provider = new TestProvider();
        Path config = ConfigFiles.write(dir, provider);
        Files.writeString(config, String.join("\n",
                "reachability: {state_dir: state}",
                "endpoints:",
                "  imaps: {kind: imap, host: localhost, port: " + provider.imaps().port()
                        + ", tls: implicit, interval: 1s, timeout: 900ms}",
                "  smtps: {kind: smtp, host: localhost, port: " + provider.smtps().port()
                        + ", tls: implicit, interval: 1s, timeout: 900ms}",
                "services:",
                "  mail: {endpoints: [imaps, smtps]}",
                ""), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        Path jar = Path.of(System.getProperty("mailprobe.jar", "target/mailprobe.jar"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        agent = new ProcessBuilder(List.of(java.toString(), "-jar", jar.toString(), "run", "--config",
                config.toString(), "--web.listen-address", "127.0.0.1:0")).start();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> readLog(agent, agentLog, url), "agent-log");
        reader.setDaemon(true);
        reader.start();
        metricsUrl = url.get(60, TimeUnit.SECONDS);
        assertNotNull(metricsUrl, String.join("\n", agentLog));
        String page = Scrapes.until(metricsUrl, Duration.ofSeconds(30), p -> serviceIs(p, "up")
                && Scrapes.value(p, "mailprobe_delivery_delay_seconds_count") >= 1);
        assertTrue(serviceIs(page, "up"), page);
    }

    @AfterAll
    void stop() throws Exception {
        if (agent != null) {
            agent.toHandle().destroy();
            agent.waitFor(30, TimeUnit.SECONDS);
        }
        if (provider != null) {
            provider.close();
        }
    }

    @Test
    void promtoolCheckMetricsFindsNoProblemInTheAgentsMetrics() throws Exception {
        String page = Scrapes.get(metricsUrl).body();
        assertTrue(page.contains("mailprobe_service_state_seconds_total"), page);
        PrometheusTools.Run run = PrometheusTools.run(List.of(PrometheusTools.promtool().toString(), "check", "metrics"),
                dir, page, Duration.ofSeconds(30));
        assertEquals(0, run.exit(), run.output());
        assertEquals("", run.output().strip(), "promtool check metrics reported problems");
    }

    @Test
    void theClause2RecordingRuleReturnsAnOutageOfKnownLength() throws Exception {
        Path prometheusYml = writePrometheusConfig();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String api = "http://127.0.0.1:" + port;
        Path prometheusLog = dir.resolve("prometheus.log");
        Process prometheus = new ProcessBuilder(List.of(PrometheusTools.prometheus().toString(),
                "--config.file=" + prometheusYml, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"))
                .redirectErrorStream(true).redirectOutput(prometheusLog.toFile()).start();
        try {
            // Prometheus scrapes for a while first, so that increase()'s extrapolation at the end of
            // the window is a small share of the figure.
            String downMinutes = "agent_service:mailprobe_clause2_down_minutes:30d{service=\"mail\",agent=\"it-agent\"}";
            Instant until = Instant.now().plusSeconds(60);
            while (Instant.now().isBefore(until) && !answers(api, downMinutes)) {
                assertTrue(prometheus.isAlive(), () -> "Prometheus exited:\n" + read(prometheusLog));
                Thread.sleep(500);
            }
            assertEquals(0.0, query(api, downMinutes), () -> "no rule result; Prometheus log:\n" + read(prometheusLog));
            assertEquals(1.0, query(api, "up{job=\"mailprobe\",site=\"it-site\",agent=\"it-agent\"}"));
            Thread.sleep(15_000);

            Instant stopCalled = Instant.now();
            provider.stopServers();
            Instant stopped = Instant.now();
            Thread.sleep(6_000);
            Instant startCalled = Instant.now();
            provider.startOnSamePorts();
            Instant started = Instant.now();
            double shortest = seconds(stopped, startCalled);
            double longest = seconds(stopCalled, started);

            String page = Scrapes.until(metricsUrl, Duration.ofSeconds(20), p -> serviceIs(p, "up"));
            assertTrue(serviceIs(page, "up"), page);
            double agentDown = Scrapes.value(page, "mailprobe_service_state_seconds_total", "service=\"mail\"",
                    "state=\"down\"");
            Thread.sleep(3_000); // a scrape and an evaluation after the agent's last change
            Double recorded = query(api, downMinutes);
            assertNotNull(recorded, () -> read(prometheusLog));
            double recordedSeconds = recorded * 60;
            String figures = String.format("outage %.3f..%.3f s; agent accounted %.3f s; recording rule %.3f s",
                    shortest, longest, agentDown, recordedSeconds);
            System.out.println(figures);
            // The agent's accounting is right to within one check interval (README, "Clause 2").
            assertTrue(agentDown > shortest - INTERVAL_SECONDS && agentDown < longest + INTERVAL_SECONDS, figures);
            // Prometheus returns the same to within one scrape interval: increase() extrapolates
            // at the window's end by at most 1.1 scrape intervals' share of the sampled range.
            assertTrue(Math.abs(recordedSeconds - agentDown) < INTERVAL_SECONDS, figures);
            assertTrue(recordedSeconds > shortest - INTERVAL_SECONDS
                    && recordedSeconds < longest + INTERVAL_SECONDS, figures);

            Double budgetLeft = query(api, "site_service:mailprobe_clause2_budget_left_minutes:30d{site=\"it-site\",service=\"mail\"}");
            assertNotNull(budgetLeft);
            assertEquals(44 - recorded, budgetLeft, 1.0 / 60, figures);
            assertEquals(0.0, query(api, "agent_service:mailprobe_clause2_unknown_minutes:30d{service=\"mail\"}"), figures);
            assertEquals(0.0, query(api, "agent_service:mailprobe_clause2_excluded_minutes:30d{service=\"mail\"}"), figures);

            // Every query of the shipped dashboard runs on this Prometheus.
            for (String expr : PrometheusTools.dashboardQueries()) {
                String promql = expr.replace("$site", ".*").replace("$service", ".*");
                var response = Scrapes.get(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
                assertEquals(200, response.statusCode(), promql + "\n" + response.body());
            }
        } finally {
            prometheus.destroy();
            prometheus.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Path writePrometheusConfig() throws IOException {
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

    /** The value of a query that returns at most one sample; null if it returns none. */
    private static Double query(String api, String promql) throws IOException, InterruptedException {
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
    private static boolean answers(String api, String promql) throws InterruptedException {
        try {
            return query(api, promql) != null;
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    private static boolean serviceIs(String page, String state) {
        return Scrapes.value(page, "mailprobe_service_state", "service=\"mail\"", "state=\"" + state + "\"") == 1;
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void readLog(Process agent, List<String> log, CompletableFuture<String> url) {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(agent.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                log.add(line);
                Matcher m = RunJarIT.SERVING.matcher(line);
                if (m.find()) {
                    url.complete(m.group(1));
                }
            }
        } catch (IOException e) {
            url.completeExceptionally(e);
        }
        url.complete(null);
    }
}
