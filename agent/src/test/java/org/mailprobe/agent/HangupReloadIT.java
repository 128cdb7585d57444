package org.mailprobe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
            try (AgentProcess agent = AgentProcess.run(config)) {
                String metrics = agent.metricsUrl(Duration.ofSeconds(60));
                String page = Scrapes.until(metrics, Duration.ofSeconds(30), p -> in(p, "up"));
                assertTrue(in(page, "up"), page);

                Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
                Files.writeString(dir.resolve("maintenance.yml"), "maintenance:\n  - {start: \"" + now.minusSeconds(60)
                        + "\", end: \"" + now.plusSeconds(3600) + "\", note: notice by signal}\n");
                Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(agent.process().pid())).start();
                assertEquals(0, kill.waitFor());

                page = Scrapes.until(metrics, Duration.ofSeconds(30), p -> in(p, "excluded"));
                assertTrue(in(page, "excluded"), agent.logText());
                assertTrue(agent.stop(), "the agent did not stop on SIGTERM");
                assertTrue(agent.log().stream().anyMatch(l -> l.contains("Config reloaded.")), agent.logText());
            }
        }
    }

    private static boolean in(String page, String state) {
        return Scrapes.value(page, "mailprobe_endpoint_state", "endpoint=\"imaps\"", "state=\"" + state + "\"") == 1;
    }

}
