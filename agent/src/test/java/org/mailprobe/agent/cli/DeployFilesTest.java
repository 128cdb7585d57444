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
}
