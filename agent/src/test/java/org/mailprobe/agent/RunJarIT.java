package org.mailprobe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.runtime.ConfigFiles;
import org.mailprobe.agent.runtime.Scrapes;
import org.mailprobe.probes.testing.TestProvider;

/** The packaged jar's {@code run} against a GreenMail provider over TLS, stopped by SIGTERM. */
@Timeout(180)
class RunJarIT {
    @TempDir
    Path dir;

    @Test
    void runMeasuresAConfiguredRouteAndStopsCleanlyOnSigterm() throws Exception {
        try (TestProvider provider = new TestProvider()) {
            Path config = ConfigFiles.write(dir, provider);
            try (AgentProcess agent = AgentProcess.run(config)) {
                String metrics = agent.metricsUrl(Duration.ofSeconds(60));
                assertNotNull(metrics, agent.logText());
                String page = Scrapes.until(metrics, Duration.ofSeconds(60), p ->
                        Scrapes.value(p, "mailprobe_delivery_delay_seconds_count", "path=\"imap\"") >= 2
                                && Scrapes.value(p, "mailprobe_delivery_delay_seconds_count", "path=\"pop3\"") >= 2);
                assertTrue(Scrapes.value(page, "mailprobe_delivery_delay_seconds_count", "route=\"loop-greenmail\"",
                        "agent=\"it-agent\"", "site=\"it-site\"") >= 4, page);
                assertTrue(Scrapes.value(page, "mailprobe_smtp_stage_seconds_count", "stage=\"tls\"") >= 1, page);

                assertTrue(agent.stop(), "the agent did not stop on SIGTERM");
                String all = agent.logText();
                assertTrue(all.contains("mailprobe agent stopping."), "exit " + agent.process().exitValue() + "\n" + all);
                assertFalse(all.contains(TestProvider.PASSWORD), "the password leaked into the log");
                assertEquals(143, agent.process().exitValue(), all); // 128 + SIGTERM: the JVM's exit after shutdown hooks
            }
        }
    }
}
