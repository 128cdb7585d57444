package org.mailprobe.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check-config --fetch-token} (issue 16) against a real OAuth 2.0 authorization server in
 * this JVM (mock-oauth2-server on a dynamic loopback port): the outcome per account, never a token
 * or a secret.
 */
@Timeout(60)
class CheckConfigFetchTokenTest {
    private static final String CLIENT_SECRET = "check-config-client-secret-8Hd";

    @TempDir
    Path dir;
    private RefusingTokenEndpoint server;
    private final Cli cli = new Cli();

    @BeforeEach
    void start() {
        server = new RefusingTokenEndpoint();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path config() throws IOException {
        Files.writeString(dir.resolve("key.secret"), "0123456789abcdef0123456789abcdef\n");
        Path secret = Files.writeString(dir.resolve("client.secret"), CLIENT_SECRET + "\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        return Files.writeString(dir.resolve("agent.yml"), String.join("\n",
                "agent: {id: hq-probe-1, site: hq, key_file: key.secret}",
                "reachability: {state_dir: state}",
                "endpoints:",
                "  submission: {kind: tcp, host: 127.0.0.1, port: 9}",
                "accounts:",
                "  m365:",
                "    address: probe@contoso.com",
                "    oauth2:",
                "      grant: client_credentials",
                "      token_endpoint: " + server.tokenEndpoint(),
                "      insecure_plain_http: true",
                "      client_id: mailprobe",
                "      client_secret_file: client.secret",
                "      scope: mail",
                ""));
    }

    @Test
    void fetchedTokenIsReportedWithItsLifetimeAndNeverShown() throws IOException {
        Path file = config();

        int code = cli.run("check-config", "--config", file.toString(), "--fetch-token");

        String all = cli.out + "" + cli.err;
        assertEquals(ExitCodes.OK, code, all);
        assertTrue(cli.out.toString().contains("account m365: token fetched (expires in "), all);
        // mock-oauth2-server's tokens are JWTs: their header starts eyJ in base64url.
        assertFalse(all.contains("eyJ"), all);
        assertFalse(all.contains(CLIENT_SECRET), all);
    }

    @Test
    void refusedClientFailsWithTheStatusAndTheOAuthErrorOnly() throws IOException {
        Path file = config();
        server.refuse(1);

        int code = cli.run("check-config", "--config", file.toString(), "--fetch-token");

        String all = cli.out + "" + cli.err;
        assertEquals(ExitCodes.FAILURE, code, all);
        assertTrue(cli.out.toString().contains("account m365: no token: "), all);
        assertTrue(all.contains("(http_status=401 oauth_error=invalid_client)"), all);
        assertFalse(all.contains(RefusingTokenEndpoint.DESCRIPTION), all);
        assertFalse(all.contains(CLIENT_SECRET), all);
    }

    @Test
    void withoutFetchTokenNoTokenIsAskedFor() throws IOException {
        Path file = config();

        int code = cli.run("check-config", "--config", file.toString());

        assertEquals(ExitCodes.OK, code, cli.out + "" + cli.err);
        assertFalse(cli.out.toString().contains("token"), cli.out.toString());
    }
}
