package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.config.ConfigLoader;
import org.mailprobe.agent.web.WebConfig;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.testing.TestCa;
import org.mailprobe.probes.testing.TestProvider;

/** {@code POST /-/reload} applies a new maintenance window without a restart and without resetting a counter. */
@Timeout(60)
class ReloadTest {
    static boolean in(String page, String state) {
        return Scrapes.value(page, "mailprobe_endpoint_state", "endpoint=\"submission\"", "state=\"" + state + "\"") == 1;
    }

    @TempDir
    Path dir;

    @Test
    void aReloadAppliesANewMaintenanceWindowAndABadConfigKeepsTheOldOne() throws Exception {
        try (TestProvider provider = new TestProvider()) {
            Path config = writeConfig(provider, "interval");
            Files.writeString(dir.resolve("maintenance.yml"), "maintenance: []\n");
            try (Agent agent = new Agent(ConfigLoader.load(config, ProbeClock.system()), new InetSocketAddress("127.0.0.1", 0),
                    WebConfig.NONE.withLifecycle(true), o -> { }, ProbeClock.system())) {
                agent.start();
                String base = "http://" + agent.web().hostPort();
                String page = Scrapes.until(base + "/metrics", Duration.ofSeconds(10), p -> in(p, "up"));
                assertTrue(in(page, "up"), page);
                double upBefore = upSeconds(page);

                Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
                Files.writeString(dir.resolve("maintenance.yml"), "maintenance:\n  - {start: \"" + now.minusSeconds(60)
                        + "\", end: \"" + now.plusSeconds(3600) + "\", note: announced by the provider}\n");
                HttpResponse<String> ok = post(base + "/-/reload");
                assertEquals(200, ok.statusCode(), ok.body());
                page = Scrapes.until(base + "/metrics", Duration.ofSeconds(5), p -> in(p, "excluded"));
                assertTrue(in(page, "excluded"), page);
                assertTrue(upSeconds(page) >= upBefore, "counters are never reset");

                writeConfig(provider, "intervall");
                HttpResponse<String> bad = post(base + "/-/reload");
                assertEquals(500, bad.statusCode());
                assertTrue(bad.body().contains("endpoints.submission.intervall: unknown key"), bad.body());
                page = Scrapes.get(base + "/metrics").body();
                assertTrue(in(page, "excluded"), "the old config stays in force");
                assertEquals(0.0, Scrapes.value(page, "mailprobe_config_last_reload_successful"), page);
                assertTrue(Files.readString(dir.resolve("state").resolve("reachability-states.jsonl"))
                        .contains("announced by the provider"));
            }
        }
    }

    private Path writeConfig(TestProvider provider, String intervalKey) throws Exception {
        Files.write(dir.resolve("key.secret"), TestConfigs.KEY);
        if (!Files.exists(dir.resolve("ca.pem"))) {
            Files.copy(TestCa.get().caPem(), dir.resolve("ca.pem"));
        }
        String yaml = String.join("\n",
                "agent: {id: it-agent, site: it-site, key_file: key.secret, hostname: probe.test}",
                "defaults: {ca_file: ca.pem}",
                "reachability: {state_dir: state, maintenance_file: maintenance.yml}",
                "endpoints:",
                "  submission: {kind: smtp, host: localhost, port: " + provider.smtps().port() + ", tls: implicit, "
                        + intervalKey + ": 1s}",
                "services:",
                "  mail: {endpoints: [submission]}",
                "");
        return Files.writeString(dir.resolve("mailprobe.yml"), yaml, StandardCharsets.UTF_8);
    }

    private static double upSeconds(String page) {
        return Scrapes.value(page, "mailprobe_endpoint_state_seconds_total", "endpoint=\"submission\"", "state=\"up\"");
    }

    private static HttpResponse<String> post(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
