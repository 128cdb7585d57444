package org.mailprobe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.agent.runtime.Scrapes;

/** Starts the packaged jar's {@code demo} as its own process and scrapes it over HTTP. */
@Timeout(180)
class DemoJarIT {
    static final Pattern METRICS_URL = Pattern.compile("metrics: (http://\\S+/metrics)");

    @Test
    void demoJarServesNonZeroDeliveryCountsForImapAndPop3() throws Exception {
        Path jar = Path.of(System.getProperty("mailprobe.jar", "target/mailprobe.jar"));
        assertTrue(Files.isRegularFile(jar), "build the jar first: " + jar);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process demo = new ProcessBuilder(List.of(java.toString(), "-jar", jar.toString(), "demo",
                "--web.listen-address", "127.0.0.1:0", "--interval", "1s", "--duration", "150s"))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader stdout = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
            String url = CompletableFuture.supplyAsync(() -> metricsUrl(stdout)).get(60, TimeUnit.SECONDS);
            assertNotNull(url, "the demo never printed its metrics address");

            String page = Scrapes.until(url, Duration.ofSeconds(90), p -> {
                for (String leg : new String[] {"loop", "receive"}) {
                    for (String path : new String[] {"imap", "pop3"}) {
                        if (Scrapes.value(p, "mailprobe_delivery_delay_seconds_count", "path=\"" + path + "\"",
                                "leg=\"" + leg + "\"") <= 0) {
                            return false;
                        }
                    }
                }
                return true;
            });

            assertTrue(Scrapes.value(page, "mailprobe_delivery_delay_seconds_count", "path=\"imap\"", "leg=\"loop\"") > 0, page);
            assertTrue(Scrapes.value(page, "mailprobe_delivery_delay_seconds_count", "path=\"pop3\"", "leg=\"loop\"") > 0, page);
            assertTrue(Scrapes.value(page, "mailprobe_delivery_delay_seconds_count", "path=\"imap\"",
                    "leg=\"receive\"", "route=\"demo-receive\"") > 0, page);
            assertTrue(page.contains("mailprobe_build_info{"), page);
            assertEquals(200, Scrapes.get(url.replace("/metrics", "/-/ready")).statusCode());
        } finally {
            demo.destroy();
            if (!demo.waitFor(20, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
            }
        }
    }

    private static String metricsUrl(BufferedReader stdout) {
        try {
            String line;
            while ((line = stdout.readLine()) != null) {
                Matcher m = METRICS_URL.matcher(line);
                if (m.find()) {
                    return m.group(1);
                }
            }
            return null;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
