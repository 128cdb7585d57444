package org.mailprobe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.runtime.ConfigFiles;
import org.mailprobe.agent.runtime.Scrapes;
import org.mailprobe.probes.testing.TestProvider;

/** The packaged jar's {@code run} against a GreenMail provider over TLS, stopped by SIGTERM. */
@Timeout(180)
class RunJarIT {
    static final Pattern SERVING = Pattern.compile("address=(http://\\S+/metrics)");

    @TempDir
    Path dir;

    @Test
    void runMeasuresAConfiguredRouteAndStopsCleanlyOnSigterm() throws Exception {
        try (TestProvider provider = new TestProvider()) {
            Path config = ConfigFiles.write(dir, provider);
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
                assertNotNull(metrics);
                String page = Scrapes.until(metrics, Duration.ofSeconds(60), p ->
                        Scrapes.value(p, "mailprobe_delivery_delay_seconds_count", "path=\"imap\"") >= 2
                                && Scrapes.value(p, "mailprobe_delivery_delay_seconds_count", "path=\"pop3\"") >= 2);
                assertTrue(Scrapes.value(page, "mailprobe_delivery_delay_seconds_count", "route=\"loop-greenmail\"",
                        "agent=\"it-agent\"", "site=\"it-site\"") >= 4, page);
                assertTrue(Scrapes.value(page, "mailprobe_smtp_stage_seconds_count", "stage=\"tls\"") >= 1, page);
            } finally {
                agent.toHandle().destroy(); // SIGTERM, without closing our end of its stderr as Process.destroy() does
                assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "the agent did not stop on SIGTERM");
                reader.join(5000);
            }
            String all = String.join("\n", log);
            assertTrue(all.contains("mailprobe agent stopping."), "exit " + agent.exitValue() + "\n" + all);
            assertFalse(all.contains(TestProvider.PASSWORD), "the password leaked into the log");
            assertEquals(143, agent.exitValue(), all); // 128 + SIGTERM: the JVM's exit after shutdown hooks
        }
    }

    private static void readLog(Process agent, List<String> log, CompletableFuture<String> url) {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(agent.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                log.add(line);
                Matcher m = SERVING.matcher(line);
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
