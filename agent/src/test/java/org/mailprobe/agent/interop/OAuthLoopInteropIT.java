package org.mailprobe.agent.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Store;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.AgentProcess;
import org.mailprobe.agent.interop.ProbeJar.Run;
import org.mailprobe.agent.interop.TestbedOAuthServer.Introspection;
import org.mailprobe.agent.runtime.Scrapes;
import org.mailprobe.probes.testing.Testbed;

/**
 * Issue 16 end to end: the packaged jar signs in with OAuth 2.0 on the loopback testbed, tokens
 * from the testbed's authorization server ({@link TestbedOAuthServer}), Dovecot validating them by
 * introspection on IMAP and POP3 and, through Dovecot SASL, Postfix on submission. Both grants
 * make a whole loop; a token that expires is replaced before it is shown expired, with no failed
 * probe; a revoked client is reason {@code token}; a token the mail server refuses is reason
 * {@code auth}; and no token issued appears in any output of the run (standard output, the log,
 * the metrics, the journal). Fails, never skips, without a testbed.
 */
@Timeout(600)
class OAuthLoopInteropIT {
    static final int USER = 2;
    static final String CLIENT = "probe2";
    static Testbed bed;
    static TestbedOAuthServer oauth;

    @TempDir
    Path dir;

    @BeforeAll
    static void testbedAndAuthorizationServer() {
        bed = Testbed.load();
        oauth = TestbedOAuthServer.shared(bed);
    }

    @AfterEach
    void clientInGoodStanding() {
        oauth.reinstate(CLIENT);
        oauth.lifetime(CLIENT, TestbedOAuthServer.DEFAULT_LIFETIME);
    }

    @Test
    void clientCredentialsLoopIsSeenOnImapAndPop3WithTokensOnEveryProtocol() throws Exception {
        long dovecotFrom = Files.size(bed.dovecotLog());
        long postfixFrom = Files.size(postfixLog());
        int before = oauth.tokenRequests(CLIENT);

        Run run = ProbeJar.run(loopArgs(CLIENT, "--oauth2-grant", "client_credentials",
                "--oauth2-client-secret-file", secretFile("client.secret").toString()));

        assertEquals(0, run.exit(), run.toString());
        assertEquals("success", run.json().get("result").asText(), run.toString());
        for (String path : List.of("imap", "pop3")) {
            assertEquals("seen", run.path(path).get("result").asText(), run.toString());
        }
        assertTrue(oauth.tokenRequests(CLIENT) > before, "no token was fetched from the authorization server");
        assertSignedInWithTokens(dovecotFrom, postfixFrom);
        assertNoTokenIn(run.out(), run.log());
    }

    @Test
    void refreshTokenLoopIsSeenOnImapAndPop3WithTokensOnEveryProtocol() throws Exception {
        long dovecotFrom = Files.size(bed.dovecotLog());
        long postfixFrom = Files.size(postfixLog());
        int before = oauth.tokenRequests(CLIENT);
        Path refreshToken = secretFile("refresh.token");

        Run run = ProbeJar.run(loopArgs(CLIENT, "--oauth2-grant", "refresh_token",
                "--oauth2-client-secret-file", secretFile("client.secret").toString(),
                "--oauth2-refresh-token-file", refreshToken.toString()));

        assertEquals(0, run.exit(), run.toString());
        assertEquals("success", run.json().get("result").asText(), run.toString());
        for (String path : List.of("imap", "pop3")) {
            assertEquals("seen", run.path(path).get("result").asText(), run.toString());
        }
        assertTrue(oauth.tokenRequests(CLIENT) > before, "no token was fetched from the authorization server");
        assertSignedInWithTokens(dovecotFrom, postfixFrom);
        assertNoTokenIn(run.out(), run.log());
        assertFalse((run.out() + run.log()).contains(Files.readString(refreshToken).strip()), "the refresh token leaked");
    }

    @Test
    void revokedClientFailsTheSubmissionWithReasonTokenAndTheEndpointsAnswerAsEvidence() throws Exception {
        oauth.revoke(CLIENT);

        Run run = ProbeJar.run(loopArgs(CLIENT, "--oauth2-grant", "client_credentials",
                "--oauth2-client-secret-file", secretFile("client.secret").toString(),
                "--watch-password-file", bed.passwordFile(USER).toString(), "--timeout", "20s"));

        assertEquals(1, run.exit(), run.toString());
        assertEquals("token", run.json().get("reason").asText(), run.toString());
        assertTrue(run.out().contains("401") && run.out().contains("invalid_client"),
                "the token endpoint's status and OAuth error are the evidence: " + run);
        assertNoTokenIn(run.out(), run.log());
    }

    @Test
    void revokedClientFailsTheImapAndPop3WatchersWithReasonToken() throws Exception {
        oauth.revoke(CLIENT);

        Run run = ProbeJar.run(loopArgs(CLIENT, "--oauth2-grant", "client_credentials",
                "--oauth2-client-secret-file", secretFile("client.secret").toString(), "--timeout", "10s"));

        assertEquals(1, run.exit(), run.toString());
        String problems = run.json().get("watcher_problems").toString();
        assertTrue(problems.contains(":143/INBOX: token") && problems.contains(":110/INBOX: token"), problems);
        assertNoTokenIn(run.out(), run.log());
    }

    @Test
    void tokenTheSubmissionServerRefusesFailsWithReasonAuthAfterOneFreshToken() throws Exception {
        // The client probe3 gets tokens for probe3@: Postfix (Dovecot SASL) refuses them for probe2@.
        String otherClient = "probe3";
        int before = oauth.tokenRequests(otherClient);
        try {
            Run run = ProbeJar.run(loopArgs(otherClient, "--oauth2-grant", "client_credentials",
                    "--oauth2-client-secret-file", secretFile("client.secret").toString(),
                    "--watch-password-file", bed.passwordFile(USER).toString(), "--timeout", "20s"));

            assertEquals(1, run.exit(), run.toString());
            assertEquals("auth", run.json().get("reason").asText(), run.toString());
            assertTrue(oauth.tokenRequests(otherClient) >= before + 2,
                    "a refused token is retried once with a fresh token: token requests "
                            + (oauth.tokenRequests(otherClient) - before));
            assertNoTokenIn(run.out(), run.log());
        } finally {
            loginOnceAfterAFailure();
        }
    }

    @Test
    void tokenTheMailboxServerRefusesFailsTheImapAndPop3WatchersWithReasonAuth() throws Exception {
        try {
            // Long enough for Dovecot's delay after failed logins from 127.0.0.1 (up to 15 s).
            Run run = ProbeJar.run(loopArgs("probe3", "--oauth2-grant", "client_credentials",
                    "--oauth2-client-secret-file", secretFile("client.secret").toString(), "--timeout", "40s"));

            assertEquals(1, run.exit(), run.toString());
            String problems = run.json().get("watcher_problems").toString();
            assertTrue(problems.contains(":143/INBOX: auth") && problems.contains(":110/INBOX: auth"), problems);
            assertNoTokenIn(run.out(), run.log());
        } finally {
            loginOnceAfterAFailure();
        }
    }

    @Test
    void expiringTokensAreReplacedBeforeTheyExpireWithoutAFailedProbe() throws Exception {
        // Tokens of 20 s, refreshed 10 s ahead: over 50 s of probes every 5 s (and POP3 logins every
        // second), about four tokens. The server refuses a token past its exp at once, and a
        // refused login would be retried with a fresh token: so the proof is that no token was
        // ever shown expired and no probe failed, not only that probes succeeded.
        Duration lifetime = Duration.ofSeconds(20);
        oauth.lifetime(CLIENT, lifetime);
        int before = oauth.tokenRequests(CLIENT);
        Instant started = Instant.now();
        Path journal = dir.resolve("journal");
        String page;
        String log;
        try (AgentProcess agent = AgentProcess.run(config(journal, "10s"))) {
            String metrics = agent.metricsUrl(Duration.ofSeconds(60));
            assertNotNull(metrics, agent.logText());
            page = Scrapes.until(metrics, Duration.ofSeconds(180), p ->
                    Instant.now().isAfter(started.plus(lifetime.multipliedBy(5).dividedBy(2)))
                            && Scrapes.value(p, "mailprobe_delivery_delay_seconds_count", "route=\"loop-oauth\"",
                            "path=\"pop3\"") >= 6);
            assertTrue(agent.stop(), "the agent did not stop on SIGTERM");
            log = agent.logText();
        }

        assertTrue(Scrapes.value(page, "mailprobe_delivery_delay_seconds_count", "route=\"loop-oauth\"",
                "path=\"pop3\"") >= 6, "too few probes seen on POP3 within 180 s:\n" + page);
        assertEquals(0.0, Scrapes.value(page, "mailprobe_probes_total", "result=\"failure\""), page);
        assertEquals(0.0, Scrapes.value(page, "mailprobe_watcher_failures_total"), page);
        assertTrue(oauth.tokenRequests(CLIENT) - before >= 3, "tokens fetched while the agent ran: "
                + (oauth.tokenRequests(CLIENT) - before) + " (tokens live " + lifetime.toSeconds() + " s)");
        List<Introspection> shown = oauth.introspections().stream().filter(i -> i.at().isAfter(started)).toList();
        System.out.printf("interop oauth expiry: %d tokens of %d s fetched over %d s; %d sign-ins introspected, "
                + "%d distinct tokens, %d inactive%n", oauth.tokenRequests(CLIENT) - before, lifetime.toSeconds(),
                Duration.between(started, Instant.now()).toSeconds(), shown.size(),
                shown.stream().map(Introspection::token).distinct().count(),
                shown.stream().filter(i -> !i.active()).count());
        assertTrue(shown.stream().map(Introspection::token).distinct().count() >= 2,
                "the mail servers saw fewer than two tokens: none was replaced");
        assertTrue(shown.stream().allMatch(Introspection::active),
                "a token was shown to a mail server after it expired (or was refused)");
        assertNoTokenIn(log, page, journalText(journal));
    }

    /** One loop probe of testbed user 2 as ProbeJar's, signing in as {@code clientId} by OAuth. */
    private List<String> loopArgs(String clientId, String... grant) {
        List<String> args = new ArrayList<>(List.of("probe", "--smtp-host", bed.host(),
                "--smtp-port", bed.get("SUBMISSION_PORT"), "--smtp-tls", "starttls",
                "--user", bed.user(USER),
                "--oauth2-token-endpoint", bed.get("OAUTH_TOKEN_ENDPOINT"), "--oauth2-client-id", clientId,
                "--oauth2-scope", "mail", "--oauth2-ca-file", bed.caFile().toString(),
                "--imap-host", bed.host(), "--imap-port", bed.get("IMAP_PORT"), "--imap-tls", "starttls",
                "--pop3-host", bed.host(), "--pop3-port", bed.get("POP3_PORT"), "--pop3-tls", "starttls",
                "--poll-interval", "1s", "--agent-id", "interop-oauth", "--ca-file", bed.caFile().toString(),
                "--output", "json"));
        args.addAll(List.of(grant));
        return args;
    }

    /** The agent's config: one loop route of user 2 with OAuth (client credentials) everywhere. */
    private Path config(Path journal, String refreshAhead) throws IOException {
        Path key = dir.resolve("key.secret");
        Files.writeString(key, "interop-key-interop-key-0123456789\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Path secret = secretFile("client.secret");
        String host = bed.host();
        String yaml = String.join("\n",
                "agent: {id: interop-oauth, site: testbed, key_file: " + key + "}",
                "defaults: {ca_file: " + bed.caFile() + ", connect_timeout: 5s, read_timeout: 10s}",
                "servers:",
                "  submission: {protocol: smtp, host: " + host + ", port: " + bed.get("SUBMISSION_PORT")
                        + ", tls: starttls}",
                "  imap: {protocol: imap, host: " + host + ", port: " + bed.get("IMAP_PORT") + ", tls: starttls}",
                "  pop3: {protocol: pop3, host: " + host + ", port: " + bed.get("POP3_PORT") + ", tls: starttls}",
                "accounts:",
                "  probe:",
                "    address: " + bed.user(USER),
                "    oauth2:",
                "      grant: client_credentials",
                "      token_endpoint: " + bed.get("OAUTH_TOKEN_ENDPOINT"),
                "      client_id: " + CLIENT,
                "      client_secret_file: " + secret,
                "      scope: mail",
                "      ca_file: " + bed.caFile(),
                "      refresh_ahead: " + refreshAhead,
                "journal: {dir: " + journal + "}",
                "routes:",
                "  - {name: loop-oauth, kind: loop, from: probe, submit_via: submission, to: probe, interval: 5s,",
                "     jitter: 0s, timeout: 1m, watch: [{path: imap, server: imap}, "
                        + "{path: pop3, server: pop3, poll_interval: 1s}]}",
                "");
        Path file = dir.resolve("mailprobe.yml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    /** A secret file only its owner reads, with a value of its own (the server checks none). */
    private Path secretFile(String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            Files.writeString(file, name + "-" + UUID.randomUUID() + "\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        return file;
    }

    /**
     * Dovecot's and Postfix's own word, in the log lines written since the offsets, that the IMAP,
     * POP3 and submission logins of the run used a token mechanism.
     */
    private static void assertSignedInWithTokens(long dovecotFrom, long postfixFrom) throws IOException {
        String dovecot = tail(bed.dovecotLog(), dovecotFrom);
        String postfix = tail(postfixLog(), postfixFrom);
        String user = Pattern.quote(bed.user(USER));
        for (String service : List.of("imap-login", "pop3-login")) {
            assertTrue(Pattern.compile(service + ": Info: Login: user=<" + user + ">, method=(XOAUTH2|OAUTHBEARER),")
                    .matcher(dovecot).find(), "no " + service + " login by token in dovecot.log:\n" + dovecot);
        }
        assertTrue(Pattern.compile("sasl_method=(XOAUTH2|OAUTHBEARER), sasl_username=" + user).matcher(postfix).find(),
                "no submission AUTH by token in postfix.log:\n" + postfix);
    }

    private static Path postfixLog() {
        return Path.of(bed.get("LOG_DIR")).resolve("postfix.log");
    }

    private static String tail(Path file, long from) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] bytes = new byte[(int) Math.max(0, f.length() - from)];
            f.seek(from);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static String journalText(Path journal) throws IOException {
        assertTrue(Files.isDirectory(journal), "no journal at " + journal);
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(journal)) {
            for (Path f : files.toList()) {
                all.append(Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        assertFalse(all.length() == 0, "the journal is empty");
        return all.toString();
    }

    /**
     * No access, ID or refresh token the authorization server ever issued (in this JVM), nor the
     * client secret, is in any of the outputs.
     */
    private void assertNoTokenIn(String... outputs) throws IOException {
        List<String> issued = oauth.issued();
        String clientSecret = Files.readString(secretFile("client.secret")).strip();
        for (String output : outputs) {
            assertFalse(output.contains(clientSecret), "the client secret leaked into an output");
            for (String token : issued) {
                assertFalse(output.contains(token), "a token issued by the authorization server leaked into an output");
                // A JWT's signature alone identifies it: a token cut to fit a line still leaks.
                String signature = token.substring(token.lastIndexOf('.') + 1);
                if (signature.length() >= 32) {
                    assertFalse(output.contains(signature), "a token's signature leaked into an output");
                }
            }
        }
    }

    /** Dovecot delays logins from 127.0.0.1 after a failure; one password login ends that. */
    private static void loginOnceAfterAFailure() throws Exception {
        try (Store store = Mailbox.open(bed, bed.account(USER))) {
            assertTrue(store.isConnected());
        }
    }
}
