package org.mailprobe.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.testing.TestCa;
import org.mailprobe.probes.token.TokenSigner;
import org.mailprobe.probes.webmail.WebmailSettings;

class ConfigLoaderTest {
    private static final Path EXAMPLE = Path.of("..", "deploy", "config", "mailprobe.example.yml");

    @TempDir
    Path dir;

    private ConfigFixture fixture() {
        return new ConfigFixture(dir);
    }

    private Path exampleIn(Path target) throws Exception {
        Path file = target.resolve("mailprobe.yml");
        Files.copy(EXAMPLE, file);
        return file;
    }

    private Path minimalWith(ConfigFixture fixture, String from, String to) throws Exception {
        Path file = fixture.copyResource("valid-minimal.yml");
        String text = Files.readString(file);
        assertTrue(text.contains(from), from);
        Files.writeString(file, text.replace(from, to));
        return file;
    }

    @Test
    void theSinkHasItsSlotAndReplayDefaultsAndNoFeedKeyOfItsOwn() throws Exception {
        ConfigFixture fixture = fixture();

        SinkConfig sink = fixture.load(fixture.copyResource("valid-send-receive.yml")).sink();

        assertEquals(new SinkConfig.Limits(Defaults.SINK_MAX_CONNECTIONS_PER_SOURCE, Defaults.SINK_CONNECTION_LIFETIME,
                Defaults.SINK_REPLAY_WINDOW), sink.limits());
        assertNull(sink.feed().key(), "derived from the agent key");
    }

    @Test
    void aSinksLimitsReplayWindowAndFeedKeyAreRead() throws Exception {
        ConfigFixture fixture = fixture();
        fixture.writePrivate("feed.key", "feed-key-feed-key-feed-key-1234\n");
        Path file = minimalSink(fixture, "  max_connections_per_source: 2\n  connection_lifetime: 3m\n"
                + "  replay_window: 2h\n  feed_key_file: feed.key\n");

        SinkConfig sink = fixture.load(file).sink();

        assertEquals(new SinkConfig.Limits(2, java.time.Duration.ofMinutes(3), java.time.Duration.ofHours(2)),
                sink.limits());
        assertEquals("feed-key-feed-key-feed-key-1234",
                new String(sink.feed().keyBytes(), java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals("****", sink.feed().key().toString());
    }

    @Test
    void aRemoteSinkOverHttpsWithACaFileIsRead() throws Exception {
        ConfigFixture fixture = fixture();
        fixture.writePrivate("ca.pem", "-----BEGIN CERTIFICATE-----\n");
        Path file = fixture.copyResource("valid-send-receive.yml");
        String text = Files.readString(file);
        Files.writeString(file, text.replace("  listen: 127.0.0.1:2525\n", "  remote: https://sink.example.net:9321\n"
                + "  ca_file: ca.pem\n  timeout: 3s\n"));

        SinkConfig sink = fixture.load(file).sink();

        assertEquals(fixture.dir.resolve("ca.pem"), sink.feed().caFile());
        assertFalse(sink.feed().insecurePlainHttp());
        assertEquals(java.time.Duration.ofSeconds(3), sink.feed().timeout());
    }

    private Path minimalSink(ConfigFixture fixture, String more) throws Exception {
        Path file = fixture.copyResource("valid-send-receive.yml");
        String text = Files.readString(file);
        Files.writeString(file, text.replace("  domains: [Sink.Example.NET]\n", "  domains: [Sink.Example.NET]\n" + more));
        return file;
    }

    @Test
    void sendAndReceiveRoutesLoadWithTheirOwnWaysOfHandingOverAndSeeing() throws Exception {
        ConfigFixture fixture = fixture();

        AgentConfig config = fixture.load(fixture.copyResource("valid-send-receive.yml"));

        SinkConfig sink = config.sink();
        assertEquals(List.of("sink.example.net"), sink.domains());
        assertEquals(2525, sink.listen().getPort());
        assertEquals(Defaults.SINK_MAX_MESSAGE_BYTES, sink.maxMessageBytes());
        assertNull(sink.certificateFile());
        RouteConfig toSink = config.routes().get(0);
        assertEquals(Leg.SEND, toSink.leg());
        assertTrue(toSink.toSink());
        assertEquals("probe@sink.example.net", toSink.recipient());
        assertTrue(toSink.watches().isEmpty());
        RouteConfig external = config.routes().get(1);
        assertFalse(external.toSink());
        assertTrue(external.estimate().isProviderHost("smtp-out.example.com"));
        assertFalse(external.estimate().isProviderHost("mx.elsewhere.net"));
        RouteConfig mxLookup = config.routes().get(2);
        assertEquals(Leg.RECEIVE, mxLookup.leg());
        assertNull(mxLookup.direct().via());
        assertFalse(mxLookup.direct().requireStartTls());
        assertEquals(config.agent().hostname(), mxLookup.direct().helo());
        assertEquals("probe@agent.example.net", mxLookup.sender());
        assertEquals("bob@example.com", mxLookup.recipient());
        RouteConfig via = config.routes().get(3);
        assertSame(config.servers().get("provider-mx"), via.direct().via());
        assertTrue(via.direct().requireStartTls());
        assertEquals("probe.agent.example.net", via.direct().helo());
    }

    @Test
    void exampleConfigLoadsWithEveryDefaultResolvedAsDocumented() throws Exception {
        ConfigFixture fixture = fixture();
        Path file = exampleIn(dir);

        AgentConfig config = fixture.load(file);

        assertEquals(file, config.source());
        assertEquals("hq-probe-1", config.agent().id());
        assertEquals("hq", config.agent().site());
        assertEquals(Defaults.hostname(), config.agent().hostname());

        ServerConfig smtp = config.servers().get("provider-smtp");
        assertEquals(Protocol.SMTP, smtp.protocol());
        assertEquals("smtp.example.com", smtp.endpoint().host());
        assertEquals(587, smtp.endpoint().port());
        assertEquals(TlsMode.STARTTLS, smtp.endpoint().tlsMode());
        assertEquals(Duration.ofSeconds(10), smtp.timeouts().connect());
        assertEquals(Duration.ofSeconds(30), smtp.timeouts().read());
        assertFalse(smtp.tls().isInsecure());
        assertNull(smtp.tls().caFile());
        ServerConfig imap = config.servers().get("provider-imap");
        assertEquals(993, imap.endpoint().port());
        assertEquals(TlsMode.IMPLICIT, imap.endpoint().tlsMode());
        ServerConfig pop3 = config.servers().get("provider-pop3");
        assertEquals(TlsMode.IMPLICIT, pop3.endpoint().tlsMode());
        assertEquals(Duration.ofSeconds(10), pop3.timeouts().connect());
        assertEquals(Duration.ofMinutes(1), pop3.timeouts().read());
        ServerConfig web = config.servers().get("provider-webmail");
        assertEquals(Protocol.WEBMAIL, web.protocol());
        assertEquals(new ServerEndpoint("mail.example.com", 443, TlsMode.IMPLICIT), web.endpoint());
        assertEquals(WebmailSettings.Driver.ROUNDCUBE, web.webmail().driver());
        assertEquals(List.of("provider-smtp", "provider-imap", "provider-pop3", "provider-webmail"),
                List.copyOf(config.servers().keySet()));

        AccountConfig alice = config.accounts().get("alice");
        assertEquals("alice@example.com", alice.address());
        assertEquals("alice@example.com", alice.login().user());
        assertEquals(ConfigFixture.ALICE_PASSWORD, alice.login().password().reveal());
        AccountConfig bob = config.accounts().get("bob");
        assertEquals("bob", bob.login().user());
        assertEquals(ConfigFixture.BOB_PASSWORD, bob.login().password().reveal());

        RouteConfig first = config.routes().get(0);
        assertEquals("loop-alice-bob", first.name());
        assertEquals(Leg.LOOP, first.leg());
        assertSame(alice, first.from());
        assertSame(smtp, first.submitVia());
        assertSame(bob, first.to());
        assertEquals(Duration.ofSeconds(60), first.interval());
        assertEquals(Duration.ofSeconds(6), first.jitter());
        assertEquals(Duration.ofHours(1), first.timeout());
        WatchConfig imapWatch = first.watches().get(0);
        assertEquals(AccessPath.IMAP, imapWatch.path());
        assertSame(imap, imapWatch.server());
        assertSame(bob, imapWatch.account());
        assertEquals("INBOX", imapWatch.folder());
        assertEquals(Duration.ofSeconds(2), imapWatch.pollInterval());
        assertTrue(imapWatch.idle());
        assertTrue(imapWatch.deleteProbes());
        WatchConfig pop3Watch = first.watches().get(1);
        assertEquals(AccessPath.POP3, pop3Watch.path());
        assertEquals(Duration.ofSeconds(5), pop3Watch.pollInterval());
        assertFalse(pop3Watch.idle());
        WatchConfig webWatch = first.watches().get(2);
        assertEquals(AccessPath.WEBMAIL, webWatch.path());
        assertEquals(Duration.ofSeconds(5), webWatch.pollInterval());
        assertFalse(webWatch.deleteProbes(), "a webmail watch only reads");

        RouteConfig second = config.routes().get(1);
        assertEquals(Duration.ofMinutes(5), second.interval());
        assertEquals(Duration.ofSeconds(20), second.jitter());
        assertSame(alice, second.watches().get(0).account());
        assertEquals(List.of(), fixture.warnings);
    }

    @Test
    void formDriverWorkedExampleOfTheDocsLoads() throws Exception {
        ConfigFixture fixture = fixture();
        String doc = Files.readString(Path.of("..", "docs", "CONFIG.md"));
        int start = doc.indexOf("```yaml\nservers:\n  webmail:");
        String example = doc.substring(start + "```yaml\n".length(), doc.indexOf("```", start + 7));
        Path file = minimalWith(fixture, "servers:\n", example + "  placeholder-not-used: null\n");
        Files.writeString(file, Files.readString(file).replace("  placeholder-not-used: null\n", "")
                .replace("    watch:\n      - path: imap\n        server: provider-imap",
                        "    watch:\n      - path: imap\n        server: provider-imap\n      - path: webmail\n"
                                + "        server: webmail"));

        AgentConfig config = fixture.load(file);

        ServerConfig web = config.servers().get("webmail");
        assertEquals(WebmailSettings.Driver.FORM, web.webmail().driver());
        assertEquals("_pass", web.webmail().form().passwordField());
        assertEquals("add_message_row\\((\\d+),", web.webmail().form().idPattern().pattern());
        assertEquals(AccessPath.WEBMAIL, config.routes().get(0).watches().get(1).path());
    }

    @Test
    void keyFileIsTheKeyLessItsTrailingNewline() throws Exception {
        AgentConfig config = fixture().load(exampleIn(dir));

        TokenSigner expected = new TokenSigner(ConfigFixture.KEY.getBytes(StandardCharsets.US_ASCII));
        String signed = expected.sign(new ProbeToken("hq-probe-1", "loop-alice-bob", 7, Instant.ofEpochMilli(1000)));
        assertTrue(config.agent().signer().verify(signed).isPresent());
    }

    @Test
    void minimalConfigTakesEveryDefault() throws Exception {
        ConfigFixture fixture = fixture();

        AgentConfig config = fixture.loadResource("valid-minimal.yml");

        RouteConfig route = config.routes().get(0);
        assertEquals(Defaults.INTERVAL, route.interval());
        assertEquals(Defaults.jitter(Defaults.INTERVAL), route.jitter());
        assertEquals(Defaults.TIMEOUT, route.timeout());
        WatchConfig watch = route.watches().get(0);
        assertEquals(Defaults.FOLDER, watch.folder());
        assertEquals(Defaults.IMAP_POLL_INTERVAL, watch.pollInterval());
        assertEquals(Defaults.IDLE, watch.idle());
        assertEquals(Defaults.DELETE_PROBES, watch.deleteProbes());
        assertEquals(587, config.servers().get("provider-smtp").endpoint().port());
        assertEquals(143, config.servers().get("provider-imap").endpoint().port());
        assertEquals(TlsMode.STARTTLS, config.servers().get("provider-pop3").endpoint().tlsMode());
        assertEquals(110, config.servers().get("provider-pop3").endpoint().port());
    }

    @Test
    void defaultJitterIsTenPercentOfTheIntervalAtMostThirtySeconds() {
        assertEquals(Duration.ofMillis(100), Defaults.jitter(Duration.ofSeconds(1)));
        assertEquals(Duration.ofSeconds(6), Defaults.jitter(Duration.ofMinutes(1)));
        assertEquals(Duration.ofSeconds(30), Defaults.jitter(Duration.ofMinutes(5)));
        assertEquals(Duration.ofSeconds(30), Defaults.jitter(Duration.ofHours(1)));
    }

    @Test
    void defaultPortFollowsProtocolAndTls() {
        assertEquals(587, Defaults.port(Protocol.SMTP, TlsMode.STARTTLS));
        assertEquals(465, Defaults.port(Protocol.SMTP, TlsMode.IMPLICIT));
        assertEquals(25, Defaults.port(Protocol.SMTP, TlsMode.PLAIN));
        assertEquals(143, Defaults.port(Protocol.IMAP, TlsMode.STARTTLS));
        assertEquals(993, Defaults.port(Protocol.IMAP, TlsMode.IMPLICIT));
        assertEquals(110, Defaults.port(Protocol.POP3, TlsMode.PLAIN));
        assertEquals(995, Defaults.port(Protocol.POP3, TlsMode.IMPLICIT));
    }

    @Test
    void defaultTlsIsImplicitOnImplicitPortsAndStarttlsElsewhere() {
        assertEquals(TlsMode.IMPLICIT, Defaults.tls(465));
        assertEquals(TlsMode.IMPLICIT, Defaults.tls(993));
        assertEquals(TlsMode.IMPLICIT, Defaults.tls(995));
        assertEquals(TlsMode.STARTTLS, Defaults.tls(25));
        assertEquals(TlsMode.STARTTLS, Defaults.tls(null));
    }

    @Test
    void plainTlsOnSmtpDefaultsToPort25() throws Exception {
        ConfigFixture fixture = fixture();
        Path file = minimalWith(fixture, "    host: smtp.example.com\n",
                "    host: smtp.example.com\n    tls: plain\n    insecure_plain_auth: true\n");

        AgentConfig config = fixture.load(file);

        assertEquals(25, config.servers().get("provider-smtp").endpoint().port());
    }

    @Test
    void insecurePlainAuthIsWarnedOncePerServerHoweverManyRoutesLogInThere() throws Exception {
        ConfigFixture fixture = fixture();
        Path file = minimalWith(fixture, "    host: smtp.example.com\n",
                "    host: smtp.example.com\n    tls: plain\n    insecure_plain_auth: true\n");
        Files.writeString(file, Files.readString(file) + String.join("\n",
                "  - name: loop-bob-alice",
                "    kind: loop",
                "    from: bob",
                "    submit_via: provider-smtp",
                "    to: alice",
                "    watch:",
                "      - path: imap",
                "        server: provider-imap",
                ""));

        fixture.load(file);

        assertEquals(List.of(file + ": servers.provider-smtp.insecure_plain_auth: the passwords of accounts alice, "
                + "bob cross the network in clear (tls is plain)"), fixture.warnings);
    }

    @Test
    void plainTlsWithoutALoginNeedsNoInsecurePlainAuth() throws Exception {
        ConfigFixture fixture = fixture();

        Path file = fixture.copyResource("valid-send-receive.yml");
        String text = Files.readString(file);
        assertTrue(text.contains("    port: 25\n"));
        Files.writeString(file, text.replace("    port: 25\n", "    port: 25\n    tls: plain\n")
                .replace("starttls: required", "starttls: opportunistic"));

        AgentConfig config = fixture.load(file);

        assertEquals(TlsMode.PLAIN, config.servers().get("provider-mx").endpoint().tlsMode());
        assertEquals(List.of(), fixture.warnings);
    }

    @Test
    void relativeFilesResolveAgainstTheConfigFilesDirectory() throws Exception {
        ConfigFixture fixture = fixture();
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path file = etc.resolve("mailprobe.yml");
        String text = Files.readString(fixture.copyResource("valid-minimal.yml"))
                .replace("key_file: key.secret", "key_file: ../key.secret")
                .replace("password_file: alice.pw", "password_file: ../alice.pw");
        Files.writeString(file, text);

        AgentConfig config = fixture.load(file);

        assertEquals(ConfigFixture.ALICE_PASSWORD, config.accounts().get("alice").login().password().reveal());
    }

    @Test
    void keyFileReadableByOthersIsAWarningNotAFailure() throws Exception {
        ConfigFixture fixture = fixture();
        Path key = dir.resolve("key.secret");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Path file = fixture.copyResource("valid-minimal.yml");

        fixture.load(file);

        assertEquals(List.of(file + ": agent.key_file: " + key
                + " can be read or written by group or others (rw-r--r--); chmod 600 it, or 640 owned by root with "
                + "the agent's group"), fixture.warnings);
    }

    @Test
    void insecureSkipVerifyIsWarnedAndTurnsVerificationOff() throws Exception {
        ConfigFixture fixture = fixture();
        Path file = minimalWith(fixture, "    host: imap.example.com\n",
                "    host: imap.example.com\n    insecure_skip_verify: true\n");

        AgentConfig config = fixture.load(file);

        assertTrue(config.servers().get("provider-imap").tls().isInsecure());
        assertFalse(config.servers().get("provider-smtp").tls().isInsecure());
        assertEquals(List.of(file + ": servers.provider-imap.insecure_skip_verify: TLS verification is OFF: any "
                + "certificate is accepted, so a machine in the middle goes unnoticed"), fixture.warnings);
    }

    @Test
    void defaultCaFileIsTrustedByEveryServerThatDoesNotOverrideIt() throws Exception {
        ConfigFixture fixture = fixture();
        Files.copy(TestCa.get().caPem(), dir.resolve("ca.pem"));
        Path file = minimalWith(fixture, "servers:\n", "defaults:\n  ca_file: ca.pem\nservers:\n");

        AgentConfig config = fixture.load(file);

        assertEquals(dir.resolve("ca.pem"), config.servers().get("provider-smtp").tls().caFile());
        assertSame(config.servers().get("provider-smtp").tls(), config.servers().get("provider-imap").tls());
    }

    @Test
    void plaintextPasswordIsAcceptedWhenAllowed() throws Exception {
        ConfigFixture fixture = fixture();
        Path file = minimalWith(fixture, "    password_file: alice.pw\n", "    password: in-clear-secret\n");
        Files.writeString(file, "allow_plaintext_passwords: true\n" + Files.readString(file));

        AgentConfig config = fixture.load(file);

        assertEquals("in-clear-secret", config.accounts().get("alice").login().password().reveal());
    }

    @Test
    void routesWithTheSameWatchSettingsShareOneMailboxKey() throws Exception {
        ConfigFixture fixture = fixture();
        Path file = fixture.copyResource("valid-minimal.yml");
        Files.writeString(file, Files.readString(file) + "  - name: loop-bob-bob\n    kind: loop\n    from: bob\n"
                + "    submit_via: provider-smtp\n    to: bob\n    watch:\n      - path: imap\n"
                + "        server: provider-imap\n        folder: inbox\n");

        AgentConfig config = fixture.load(file);

        WatchConfig first = config.routes().get(0).watches().get(0);
        WatchConfig second = config.routes().get(1).watches().get(0);
        assertEquals(first.mailboxKey(), second.mailboxKey());
        assertEquals("imap:provider-imap/bob/INBOX", second.configName());
    }
}
