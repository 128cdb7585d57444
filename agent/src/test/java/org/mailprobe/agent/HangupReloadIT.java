package org.mailprobe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.runtime.Scrapes;
import org.mailprobe.probes.testing.TestCa;
import org.mailprobe.probes.testing.TestProvider;

/** The packaged jar's {@code run} re-reads its maintenance file on SIGHUP and applies the new window. */
@Timeout(120)
class HangupReloadIT {
    @TempDir
    Path dir;

    @Test
    void sighupAppliesANewMaintenanceWindowWithoutARestart() throws Exception {
        try (TestProvider provider = new TestProvider()) {
            Files.writeString(dir.resolve("key.secret"), "0123456789abcdef0123456789abcdef");
            Files.copy(TestCa.get().caPem(), dir.resolve("ca.pem"));
            Files.writeString(dir.resolve("maintenance.yml"), "maintenance: []\n");
            Path config = Files.writeString(dir.resolve("mailprobe.yml"), String.join("\n",
                    "agent: {id: it-agent, site: it-site, key_file: key.secret, hostname: probe.test}",
                    "defaults: {ca_file: ca.pem}",
                    "reachability: {state_dir: state, maintenance_file: maintenance.yml}",
                    "endpoints:",
                    "  imaps: {kind: imap, host: localhost, port: " + provider.imaps().port() + ", tls: implicit, interval: 1s}",
                    ""));
            Path jar = Path.of(System.getProperty("mailprobe.jar", "target/mailprobe.jar"));
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process agent = new ProcessBuilder(List.of(java.toString(), "-jar", jar.toString(), "run", "--config",
                    config.toString(), "--web.listen-address", "127.0.0.1:0")).start();
            List<String> log = new CopyOnWriteArrayList<>();
            CompletableFuture<String> url = new CompletableFuture<>();
            Thread reader = new Thread(() -> readLog(agent, log, url));
            reader.start();
            try {
                String metrics = url.get(60, TimeUnit.SECONDS);
                String page = Scrapes.until(metrics, Duration.ofSeconds(30), p -> in(p, "up"));
                assertTrue(in(page, "up"), page);

                Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
                Files.writeString(dir.resolve("maintenance.yml"), "maintenance:\n  - {start: \"" + now.minusSeconds(60)
                        + "\", end: \"" + now.plusSeconds(3600) + "\", note: notice by signal}\n");
                Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(agent.pid())).start();
                assertEquals(0, kill.waitFor());

                page = Scrapes.until(metrics, Duration.ofSeconds(30), p -> in(p, "excluded"));
                assertTrue(in(page, "excluded"), String.join("\n", log));
            } finally {
                agent.toHandle().destroy();
                assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "the agent did not stop on SIGTERM");
                reader.join(5000);
            }
            assertTrue(log.stream().anyMatch(l -> l.contains("Config reloaded.")), String.join("\n", log));
        }
    }

    private static boolean in(String page, String state) {
        return Scrapes.value(page, "mailprobe_endpoint_state", "endpoint=\"imaps\"", "state=\"" + state + "\"") == 1;
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
        } catch (java.io.IOException e) {
            url.completeExceptionally(e);
        }
        url.complete(null);
    }
}
