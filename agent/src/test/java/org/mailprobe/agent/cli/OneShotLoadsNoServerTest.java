package org.mailprobe.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.probes.testing.TestCa;
import org.mailprobe.probes.testing.TestProvider;

/**
 * The one-shot {@code probe} initialises no scheduler, no metrics registry, no embedded HTTP server
 * and no HTML parser (issue 13): it is run in a child JVM, as a user runs it, against GreenMail,
 * and the JVM's own list of the classes it loaded ({@code -Xlog:class+load}) is read. The child's
 * class path is the test's, where Quartz, Micrometer, the JDK's HTTP server and jsoup are all
 * present: a class loaded is a class the one-shot asked for.
 */
@Timeout(180)
class OneShotLoadsNoServerTest {
    @TempDir
    static Path dir;

    static TestProvider provider;
    static List<String> loaded;
    static String output;

    @BeforeAll
    static void probeInAChildJvm() throws IOException, InterruptedException {
        provider = new TestProvider();
        Path password = Files.writeString(dir.resolve("pw"), TestProvider.PASSWORD + "\n");
        Path classes = dir.resolve("classes.log");
        Path out = dir.resolve("out.txt");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:off", // every class in the log, whether or not a CDS archive holds it
                "-Xlog:class+load=info:file=" + classes, "-cp", System.getProperty("java.class.path"),
                "org.mailprobe.agent.Main", "probe", "--smtp-host", "localhost",
                "--smtp-port", Integer.toString(provider.smtp().port()), "--smtp-tls", "plain", "--insecure-plain-auth",
                "--user", TestProvider.USER, "--password-file", password.toString(),
                "--imap-host", "localhost", "--imap-port", Integer.toString(provider.imaps().port()),
                "--pop3-host", "localhost", "--pop3-port", Integer.toString(provider.pop3s().port()),
                "--ca-file", TestCa.get().caPem().toString(), "--timeout", "30s"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(150, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the one-shot probe did not end in 150 s");
        }
        output = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), output);
        loaded = new ArrayList<>();
        Pattern name = Pattern.compile("\\[class,load\\s*\\] (\\S+) ");
        for (String line : Files.readAllLines(classes, StandardCharsets.UTF_8)) {
            Matcher m = name.matcher(line);
            if (m.find()) {
                loaded.add(m.group(1));
            }
        }
    }

    @AfterAll
    static void stop() {
        if (provider != null) {
            provider.close();
        }
    }

    static List<String> loadedUnder(String prefix) {
        return loaded.stream().filter(c -> c.startsWith(prefix)).toList();
    }

    @Test
    void theProbeRanAndTheClassLogIsRead() {
        assertTrue(output.contains("result: SUCCESS"), output);
        // Without this the checks below would pass on an empty or unparsed log.
        assertTrue(loaded.contains("org.mailprobe.agent.runtime.OneShotProbe"), loaded.size() + " classes");
    }

    @Test
    void noQuartzSchedulerIsInitialised() {
        assertEquals(List.of(), loadedUnder("org.quartz."));
    }

    @Test
    void noEmbeddedHttpServerIsMade() {
        assertEquals(List.of(), loadedUnder("com.sun.net.httpserver."));
        assertEquals(List.of(), loadedUnder("sun.net.httpserver."));
        // The web package's config records and the server limits (system properties, set by Main) may load.
        assertEquals(List.of(), loadedUnder("org.mailprobe.agent.web.WebServer"));
    }

    @Test
    void noMetricsRegistryIsMade() {
        assertEquals(List.of(), loadedUnder("io.prometheus."));
        assertEquals(List.of(), loadedUnder("io.micrometer."));
        assertEquals(List.of(), loadedUnder("org.mailprobe.agent.metrics."));
    }

    @Test
    void noHtmlParserIsLoadedWithoutWebmail() {
        assertEquals(List.of(), loadedUnder("org.jsoup."));
    }

    @Test
    void noJournalIsOpened() {
        assertEquals(List.of(), loadedUnder("org.mailprobe.agent.journal."));
    }
}
