package org.mailprobe.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.probes.testing.TestCa;
import org.mailprobe.probes.testing.TestProvider;

/**
 * {@code probe} by hand with OAuth 2.0 sign-in (issue 16), end to end: GreenMail takes XOAUTH2 on
 * SMTP, IMAP and POP3 and checks the bearer token as the user's password, so a token file holding
 * that password signs in for real; a token endpoint (mock-oauth2-server in this JVM) that refuses
 * the client fails the probe with reason {@code token} in every output format.
 */
@Timeout(120)
class OAuthProbeCommandTest {
    private static final String CLIENT_SECRET = "probe-command-client-secret-4Kp";

    @TempDir
    Path dir;
    private TestProvider provider;
    private RefusingTokenEndpoint server;
    private final Cli cli = new Cli();

    @BeforeEach
    void start() {
        provider = new TestProvider();
        server = new RefusingTokenEndpoint();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    private List<String> servers(String... extra) {
        List<String> args = new ArrayList<>(List.of("probe", "--smtp-host", "localhost",
                "--smtp-port", Integer.toString(provider.smtp().port()), "--smtp-tls", "plain", "--insecure-plain-auth",
                "--user", TestProvider.USER,
                "--imap-host", "localhost", "--imap-port", Integer.toString(provider.imaps().port()),
                "--pop3-host", "localhost", "--pop3-port", Integer.toString(provider.pop3s().port()),
                "--ca-file", TestCa.get().caPem().toString(), "--timeout", "30s"));
        args.addAll(List.of(extra));
        return args;
    }

    /** The submitter signs in at a token endpoint that refuses the client; the watched mailbox by password. */
    private List<String> refusedClient(String... extra) throws IOException {
        server.refuse(3);
        Path secret = Files.writeString(dir.resolve("client.secret"), CLIENT_SECRET + "\n");
        Path password = Files.writeString(dir.resolve("pw"), TestProvider.PASSWORD + "\n");
        List<String> args = servers("--watch-password-file", password.toString(),
                "--oauth2-grant", "client_credentials", "--oauth2-token-endpoint",
                server.tokenEndpoint(), "--oauth2-insecure-plain-http",
                "--oauth2-client-id", "mailprobe", "--oauth2-client-secret-file", secret.toString(),
                "--oauth2-scope", "mail");
        args.addAll(List.of(extra));
        return args;
    }

    private String all() {
        return cli.out + "" + cli.err;
    }

    private void assertNoSecret() {
        assertFalse(all().contains(CLIENT_SECRET), all());
        assertFalse(all().contains(RefusingTokenEndpoint.DESCRIPTION), all());
    }

    @Test
    void tokenFileSignInCarriesAProbeThroughSmtpImapAndPop3() throws IOException {
        // GreenMail compares an XOAUTH2 token with the user's password.
        Path token = Files.writeString(dir.resolve("token"), TestProvider.PASSWORD + "\n");

        int code;
        String logged;
        try (CapturedLog log = new CapturedLog()) {
            code = cli.run(servers("--oauth2-grant", "token_file", "--oauth2-token-file", token.toString(),
                    "--oauth2-mechanism", "xoauth2").toArray(new String[0]));
            logged = log.text();
        }

        assertEquals(ExitCodes.OK, code, all());
        assertTrue(cli.out.toString().contains("seen by imap"), all());
        assertTrue(cli.out.toString().contains("seen by pop3"), all());
        assertTrue(cli.out.toString().contains("result: SUCCESS"), all());
        assertFalse(all().contains(TestProvider.PASSWORD), all());
        assertFalse(logged.contains(TestProvider.PASSWORD), logged);
    }

    @Test
    void refusedClientIsReasonTokenWithStatusAndErrorInTheText() throws IOException {
        int code = cli.run(refusedClient().toArray(new String[0]));

        assertEquals(ExitCodes.FAILURE, code, all());
        assertTrue(cli.out.toString().contains("reason token"), all());
        assertTrue(cli.out.toString().contains("401"), all());
        assertTrue(cli.out.toString().contains("invalid_client"), all());
        assertTrue(cli.out.toString().contains("result: FAILURE (token)"), all());
        assertNoSecret();
    }

    @Test
    void refusedClientIsReasonTokenInTheJson() throws IOException {
        int code = cli.run(refusedClient("--output", "json").toArray(new String[0]));

        JsonNode json = new ObjectMapper().readTree(cli.out.toString());
        assertEquals(ExitCodes.FAILURE, code, all());
        assertEquals("token", json.get("reason").asText(), all());
        assertEquals("token", json.get("submission").get("reason").asText(), all());
        assertTrue(json.get("submission").get("detail").asText().contains("invalid_client"), all());
        assertNoSecret();
    }

    @Test
    void refusedClientNamesTheImapAndPop3WatchersWithReasonTokenInTheJson() throws IOException {
        // The watched mailbox signs in with OAuth too: the submission and both watchers fail alike.
        server.refuse(1000);
        Path secret = Files.writeString(dir.resolve("client.secret"), CLIENT_SECRET + "\n");

        int code = cli.run(servers("--output", "json", "--oauth2-grant", "client_credentials",
                "--oauth2-token-endpoint", server.tokenEndpoint(), "--oauth2-insecure-plain-http",
                "--oauth2-client-id", "mailprobe", "--oauth2-client-secret-file", secret.toString(),
                "--oauth2-scope", "mail").toArray(new String[0]));

        JsonNode json = new ObjectMapper().readTree(cli.out.toString());
        String problems = json.get("watcher_problems").toString();
        assertEquals(ExitCodes.FAILURE, code, all());
        assertTrue(problems.contains("imap " + TestProvider.USER + "@localhost:" + provider.imaps().port()
                + "/INBOX: token"), problems);
        assertTrue(problems.contains("pop3 " + TestProvider.USER + "@localhost:" + provider.pop3s().port()
                + "/INBOX: token"), problems);
        assertNoSecret();
    }

    @Test
    void refusedClientIsCriticalWithReasonTokenForNagios() throws IOException {
        int code = cli.run(refusedClient("--output", "nagios").toArray(new String[0]));

        assertEquals(ExitCodes.NAGIOS_CRITICAL, code, all());
        assertTrue(cli.out.toString().startsWith("MAILPROBE CRITICAL"), all());
        assertTrue(cli.out.toString().contains("(token)"), all());
        assertNoSecret();
    }
}
