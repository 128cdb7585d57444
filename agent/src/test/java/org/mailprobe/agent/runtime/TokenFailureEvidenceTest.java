package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.cli.CapturedLog;
import org.mailprobe.agent.cli.RefusingTokenEndpoint;
import org.mailprobe.agent.config.ConfigLoader;
import org.mailprobe.agent.journal.JournalFixture;
import org.mailprobe.agent.web.WebConfig;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.testing.TestCa;
import org.mailprobe.probes.testing.TestProvider;

/**
 * A running agent whose submitting account's token endpoint refuses the client (issue 16): the
 * probe fails with reason {@code token} in the metrics, the log and its journal record, whose detail
 * is the evidence (HTTP status, OAuth error code); no secret and no answer body in any of them.
 */
@Timeout(120)
class TokenFailureEvidenceTest {
    private static final String CLIENT_SECRET = "agent-client-secret-Vn62";

    @TempDir
    Path dir;

    @Test
    void refusedClientIsReasonTokenInMetricsAndJournalWithTheEvidence() throws Exception {
        try (RefusingTokenEndpoint server = new RefusingTokenEndpoint(); TestProvider provider = new TestProvider()) {
            server.refuse(20);
            Path config = writeConfig(provider, server.tokenEndpoint());
            String page;
            String logged;
            try (CapturedLog log = new CapturedLog()) {
                try (Agent agent = new Agent(ConfigLoader.load(config, ProbeClock.system()), new InetSocketAddress("127.0.0.1", 0),
                        WebConfig.NONE, o -> { }, ProbeClock.system())) {
                    agent.start();
                    page = Scrapes.until("http://" + agent.web().hostPort() + "/metrics", Duration.ofSeconds(60),
                            p -> Scrapes.value(p, "mailprobe_probes_total", "reason=\"token\"") >= 1);
                }
                logged = log.text();
            }
            assertTrue(logged.contains("Probe done. route=loop-oauth result=failure reason=token"), logged);
            assertFalse(logged.contains(CLIENT_SECRET), logged);
            assertFalse(logged.contains(RefusingTokenEndpoint.DESCRIPTION), logged);
            assertTrue(Scrapes.value(page, "mailprobe_probes_total", "reason=\"token\"") >= 1, page);
            assertFalse(page.contains(CLIENT_SECRET), page);

            List<String> lines = new ArrayList<>();
            for (Path file : JournalFixture.files(dir.resolve("journal"))) {
                lines.addAll(JournalFixture.lines(file));
            }
            JsonNode record = null;
            for (String line : lines) {
                assertFalse(line.contains(CLIENT_SECRET), line);
                assertFalse(line.contains(RefusingTokenEndpoint.DESCRIPTION), line);
                JsonNode r = new ObjectMapper().readTree(line);
                if (record == null && "token".equals(r.path("reason").asText())) {
                    record = r;
                }
            }
            assertNotNull(record, String.join("\n", lines));
            assertEquals("failure", record.path("outcome").asText(), record.toString());
            assertTrue(record.path("detail").asText().contains("401"), record.toString());
            assertTrue(record.path("detail").asText().contains("invalid_client"), record.toString());
        }
    }

    private Path writeConfig(TestProvider provider, String tokenEndpoint) throws Exception {
        Files.write(dir.resolve("key.secret"), TestConfigs.KEY);
        Files.writeString(dir.resolve("probe.pw"), TestProvider.PASSWORD + "\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("client.secret"), CLIENT_SECRET + "\n", StandardCharsets.UTF_8);
        Files.copy(TestCa.get().caPem(), dir.resolve("ca.pem"));
        String yaml = String.join("\n",
                "agent: {id: it-agent, site: it-site, key_file: key.secret, hostname: probe.test}",
                "defaults: {connect_timeout: 3s, read_timeout: 5s, ca_file: ca.pem}",
                "journal: {dir: journal}",
                "servers:",
                "  gm-smtp: {protocol: smtp, host: localhost, port: " + provider.smtps().port() + ", tls: implicit}",
                "  gm-imap: {protocol: imap, host: localhost, port: " + provider.imaps().port() + ", tls: implicit}",
                "accounts:",
                "  probe: {address: " + TestProvider.USER + ", password_file: probe.pw}",
                "  m365:",
                "    address: " + TestProvider.USER,
                "    oauth2:",
                "      grant: client_credentials",
                "      token_endpoint: " + tokenEndpoint,
                "      insecure_plain_http: true",
                "      client_id: mailprobe",
                "      client_secret_file: client.secret",
                "      scope: mail",
                "routes:",
                "  - name: loop-oauth",
                "    kind: loop",
                "    from: m365",
                "    submit_via: gm-smtp",
                "    to: probe",
                "    interval: 1s",
                "    jitter: 100ms",
                "    timeout: 30s",
                "    watch:",
                "      - {path: imap, server: gm-imap}",
                "");
        return Files.writeString(dir.resolve("mailprobe.yml"), yaml, StandardCharsets.UTF_8);
    }
}
