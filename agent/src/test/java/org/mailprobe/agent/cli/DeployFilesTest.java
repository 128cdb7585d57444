package org.mailprobe.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.runtime.ConfigFiles;
import org.mailprobe.probes.testing.TestProvider;

/** The deploy files and flags as an operator meets them on the command line. */
@Timeout(60)
class DeployFilesTest {
    @TempDir
    Path dir;

    final Cli cli = new Cli();

    @Test
    void runRefusesAWebConfigWithAPasswordInClearAndDoesNotPrintIt() throws Exception {
        try (TestProvider provider = new TestProvider()) {
            Path config = ConfigFiles.write(dir, provider);
            Path web = Files.writeString(dir.resolve("web.yml"), "basic_auth_users:\n  prometheus: s3cret-in-clear\n");

            int code = cli.run("run", "--config", config.toString(), "--web.config.file", web.toString());

            assertEquals(ExitCodes.USAGE, code, cli.err.toString());
            assertTrue(cli.err.toString().contains("basic_auth_users.prometheus: not a bcrypt hash"), cli.err.toString());
            assertFalse(cli.err.toString().contains("s3cret-in-clear"), cli.err.toString());
        }
    }

    @Test
    void theKubernetesConfigMapHoldsAValidConfig() throws Exception {
        Path manifest = Path.of("..", "deploy", "kubernetes", "mailprobe.yaml");
        String yaml = null;
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        try (YAMLParser parser = new YAMLFactory().createParser(manifest.toFile())) {
            List<JsonNode> docs = new ArrayList<>(mapper.readValues(parser, JsonNode.class).readAll());
            for (JsonNode doc : docs) {
                if ("ConfigMap".equals(doc.path("kind").asText())) {
                    yaml = doc.path("data").path("mailprobe.yml").asText();
                }
            }
            assertEquals(List.of("ConfigMap", "PersistentVolumeClaim", "Deployment", "Service", "ServiceMonitor"),
                    docs.stream().map(d -> d.path("kind").asText()).toList());
        }
        assertTrue(yaml != null && !yaml.isEmpty(), "no mailprobe.yml in the ConfigMap");
        Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(dir.resolve("secrets").resolve("key.secret"), "0123456789abcdef0123456789abcdef\n");
        Files.writeString(dir.resolve("secrets").resolve("alice.pw"), "alice-password\n");
        Files.writeString(dir.resolve("secrets").resolve("bob.pw"), "bob-password\n");
        Path config = Files.writeString(dir.resolve("mailprobe.yml"), yaml
                .replace("/etc/mailprobe/secrets/", dir.resolve("secrets") + "/")
                .replace("/var/lib/mailprobe", dir.resolve("state").toString()));

        assertEquals(ExitCodes.OK, cli.run("check-config", "--config", config.toString()), cli.err.toString());
    }

    @Test
    void theSystemdUnitEndsTheJvmOnOutOfMemoryErrorSoThatItIsRestarted() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "deploy", "systemd", "mailprobe.service"));
        String exec = lines.stream().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        // The launcher passes MAILPROBE_JAVA_OPTS, and only that, to the JVM of `run`.
        assertTrue(exec.startsWith("ExecStart=/bin/sh /opt/mailprobe/bin/mailprobe run "), exec);
        String options = lines.stream().filter(l -> l.startsWith("Environment=\"MAILPROBE_JAVA_OPTS=")).findFirst()
                .orElseThrow();
        List<String> words = List.of(options.substring("Environment=\"MAILPROBE_JAVA_OPTS=".length()).replace("\"", "")
                .split("\\s+"));

        assertTrue(words.contains("-XX:+ExitOnOutOfMemoryError"), "a JVM flag: " + options);
        assertTrue(words.stream().anyMatch(w -> w.matches("-Xmx\\d+[mg]")), "a heap cap: " + options);
        assertTrue(lines.contains("Restart=on-failure"), "restarted after the JVM exits on the error");
    }

    @Test
    void theContainerImageEndsTheJvmOnOutOfMemoryError() throws Exception {
        String env = Files.readAllLines(Path.of("..", "deploy", "container", "Containerfile")).stream()
                .filter(l -> l.startsWith("ENV JAVA_TOOL_OPTIONS=")).findFirst().orElseThrow();

        assertTrue(env.contains("-XX:+ExitOnOutOfMemoryError"), env);
        assertTrue(env.contains("-XX:MaxRAMPercentage="), "the heap follows the container's limit: " + env);
    }

    @Test
    void theKubernetesDeploymentEndsTheJvmOnOutOfMemoryError() throws Exception {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        JsonNode container = null;
        try (YAMLParser parser = new YAMLFactory().createParser(Path.of("..", "deploy", "kubernetes", "mailprobe.yaml")
                .toFile())) {
            for (JsonNode doc : mapper.readValues(parser, JsonNode.class).readAll()) {
                if ("Deployment".equals(doc.path("kind").asText())) {
                    container = doc.path("spec").path("template").path("spec").path("containers").path(0);
                }
            }
        }
        assertTrue(container != null, "no Deployment");
        String options = null;
        for (JsonNode e : container.path("env")) {
            if ("JAVA_TOOL_OPTIONS".equals(e.path("name").asText())) {
                options = e.path("value").asText();
            }
        }

        assertTrue(options != null && options.contains("-XX:+ExitOnOutOfMemoryError"), "JAVA_TOOL_OPTIONS: " + options);
        assertTrue(options.contains("-XX:MaxRAMPercentage="), options);
        assertFalse(container.path("resources").path("limits").path("memory").isMissingNode(), "a memory limit");
    }

    @Test
    void theSystemdUnitPassesSystemdAnalyzeVerifyWhereItIsInstalled() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(analyze), "no systemd-analyze here");
        Process p = new ProcessBuilder(analyze.toString(), "verify",
                Path.of("..", "deploy", "systemd", "mailprobe.service").toAbsolutePath().normalize().toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "systemd-analyze did not finish");
        assertEquals(0, p.exitValue(), output);
        assertEquals("", output.strip(), "warnings from systemd-analyze verify");
    }

    @Test
    void runHelpDocumentsTheListenAddressAndTheLifecycleFlag() {
        assertEquals(ExitCodes.OK, cli.run("run", "--help"));

        String help = cli.out.toString().replaceAll("\\s+", " ");
        assertTrue(help.contains("--web.enable-lifecycle"), help);
        assertTrue(help.contains("every interface, as exporters do"), help);
    }

    @Test
    void enableLifecycleTurnsOnTheLifecycleEndpointsAndTheyAreOffWithoutIt() throws Exception {
        WebOptions off = new WebOptions();
        new picocli.CommandLine(off).parseArgs();
        WebOptions on = new WebOptions();
        new picocli.CommandLine(on).parseArgs("--web.enable-lifecycle");

        assertFalse(off.webConfig().lifecycle());
        assertTrue(on.webConfig().lifecycle());
    }
}
