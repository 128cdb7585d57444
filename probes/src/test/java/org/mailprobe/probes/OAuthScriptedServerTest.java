package org.mailprobe.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.internal.FailureClassifier;
import org.mailprobe.probes.internal.MailSessions;
import org.mailprobe.probes.oauth.OAuthImapStore;
import org.mailprobe.probes.oauth.OAuthSasl;
import org.mailprobe.probes.reachability.ReachabilityCheck;
import org.mailprobe.probes.reachability.ReachabilityResult;
import org.mailprobe.probes.reachability.ReachabilitySettings;
import org.mailprobe.probes.submit.SubmissionProbe;
import org.mailprobe.probes.submit.SubmissionResult;
import org.mailprobe.probes.submit.SubmissionSettings;
import org.mailprobe.probes.testing.RawScriptedServer;
import org.mailprobe.probes.testing.TokenEndpointStub;
import org.mailprobe.probes.testing.Watching;
import org.mailprobe.probes.watch.ImapArrivalWatcher;
import org.mailprobe.probes.watch.Pop3ArrivalWatcher;
import org.mailprobe.probes.watch.WatchSettings;

/**
 * OAUTHBEARER, the RFC 7628 error challenge, and the retry with a fresh token, against mail
 * servers scripted on loopback (GreenMail has no OAUTHBEARER) with tokens from a token endpoint
 * that hands out {@code token-1}, {@code token-2}, ...
 */
@Timeout(60)
class OAuthScriptedServerTest {
    private static final String USER = "probe@example.test";
    /** {"status":"invalid_token"}, RFC 7628 3.2.2. */
    private static final String ERROR_CHALLENGE =
            Base64.getEncoder().encodeToString("{\"status\":\"invalid_token\"}".getBytes(StandardCharsets.UTF_8));
    private static final String ACKNOWLEDGEMENT = "AQ==";

    private final TokenEndpointStub endpoint;
    private final List<AutoCloseable> closing = new ArrayList<>();

    OAuthScriptedServerTest() throws Exception {
        endpoint = new TokenEndpointStub();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        endpoint.close();
    }

    private RawScriptedServer server(RawScriptedServer.Script script) throws Exception {
        RawScriptedServer s = new RawScriptedServer(script);
        closing.add(s);
        return s;
    }

    private Account account(OAuthMechanism mechanism) {
        BearerTokens tokens = endpoint.open(Duration.ofMinutes(5));
        closing.add(tokens);
        return Account.oauth(USER, new OAuthLogin(tokens, mechanism));
    }

    private static Instant soon() {
        return ProbeClock.system().now().plusSeconds(20);
    }

    private static String oauthBearer(String token) {
        return "n,a=" + USER + ",\u0001auth=Bearer " + token + "\u0001\u0001";
    }

    private static String decoded(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    /** Each line holding {@code command} (after any tag), as "connection decoded-last-word". */
    private static List<String> signIns(RawScriptedServer server, String prefix) {
        List<String> found = new ArrayList<>();
        for (String line : server.lines()) {
            String text = line.substring(line.indexOf(' ') + 1);
            if (text.startsWith(prefix) || text.contains(" " + prefix)) {
                found.add(line.substring(0, line.indexOf(' ')) + " " + decoded(text.substring(text.lastIndexOf(' ') + 1)));
            }
        }
        return found;
    }

    /**
     * An SMTP submission server offering {@code auth}; {@code accept} says whether a connection's
     * AUTH succeeds; a refusal is the RFC 7628 error challenge, then 535 once it was acknowledged.
     */
    private static RawScriptedServer.Script smtp(String auth, java.util.function.IntPredicate accept) {
        return peer -> {
            peer.send("220 scripted ESMTP");
            String line;
            while ((line = peer.readLine()) != null) {
                String upper = line.toUpperCase(java.util.Locale.ROOT);
                if (upper.startsWith("EHLO")) {
                    peer.send("250-scripted\n250 AUTH " + auth);
                } else if (upper.startsWith("AUTH ")) {
                    if (accept.test(peer.connection())) {
                        peer.send("235 2.7.0 accepted");
                    } else {
                        peer.send("334 " + ERROR_CHALLENGE);
                        String answer = peer.readLine();
                        peer.send(ACKNOWLEDGEMENT.equals(answer) ? "535 5.7.8 token refused" : "501 not the %x01");
                    }
                } else if (upper.startsWith("MAIL") || upper.startsWith("RCPT")) {
                    peer.send("250 ok");
                } else if (upper.startsWith("DATA")) {
                    peer.send("354 go");
                    while (!".".equals(peer.readLine())) {
                        // the message
                    }
                    peer.send("250 queued");
                } else if (upper.startsWith("QUIT")) {
                    peer.send("221 bye");
                    return;
                } else {
                    peer.send("500 what");
                }
            }
        };
    }

    private SubmissionResult submit(RawScriptedServer server, Account account) {
        SubmissionProbe probe = new SubmissionProbe(new SubmissionSettings(
                new ServerEndpoint("127.0.0.1", server.port(), TlsMode.PLAIN), account, TlsPolicy.verified(),
                new Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(5)), "probe.test"), Watching.SIGNER, ProbeClock.system());
        return probe.submit(USER, USER, Watching.token(Watching.AGENT), soon());
    }

    @Test
    void submissionSpeaksOauthbearerWhenTheServerOffersIt() throws Exception {
        RawScriptedServer server = server(smtp("PLAIN LOGIN XOAUTH2 OAUTHBEARER", n -> true));

        SubmissionResult result = submit(server, account(OAuthMechanism.AUTO));

        assertEquals(Reason.NONE, result.reason(), result.detail());
        assertEquals(List.of("1 " + oauthBearer("token-1")), signIns(server, "AUTH OAUTHBEARER"));
        assertEquals(1, server.lines().stream().filter(l -> l.contains(" AUTH ")).count(), "one AUTH only");
    }

    /** A cold cache's token fetch is the identity platform's time, not the submission's first stage. */
    @Test
    void aTokenFetchedForTheFirstProbeIsNotCountedInItsSubmission() throws Exception {
        RawScriptedServer server = server(smtp("XOAUTH2", n -> true));
        Account account = account(OAuthMechanism.AUTO);
        endpoint.holdAnswers();
        java.util.concurrent.CompletableFuture<SubmissionResult> sent =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> submit(server, account));
        Watching.await("the token request", () -> endpoint.requests() == 1);
        Instant released = ProbeClock.system().now();
        endpoint.release();

        SubmissionResult result = sent.get(30, java.util.concurrent.TimeUnit.SECONDS);

        assertEquals(Reason.NONE, result.reason(), result.detail());
        assertTrue(!result.started().isBefore(released), "the submission started at " + result.started()
                + ", before the token came at " + released);
    }

    @Test
    void submissionSpeaksXoauth2WhenOauthbearerIsNotOffered() throws Exception {
        RawScriptedServer server = server(smtp("PLAIN LOGIN XOAUTH2", n -> true));

        SubmissionResult result = submit(server, account(OAuthMechanism.AUTO));

        assertEquals(Reason.NONE, result.reason(), result.detail());
        assertEquals(List.of("1 user=" + USER + "\u0001auth=Bearer token-1\u0001\u0001"),
                signIns(server, "AUTH XOAUTH2"));
    }

    @Test
    void submissionNeverFallsBackToAPasswordMechanism() throws Exception {
        RawScriptedServer server = server(smtp("PLAIN LOGIN", n -> true));

        SubmissionResult result = submit(server, account(OAuthMechanism.AUTO));

        assertEquals(Reason.AUTH, result.reason(), result.detail());
        assertTrue(server.lines().stream().noneMatch(l -> l.contains(" AUTH ")), "no AUTH sent: " + server.lines());
        assertEquals(1, server.connections(), "no second try: a fresh token would not help");
    }

    @Test
    void aRefusedTokenIsRetriedOnceWithAFreshOneThenTheProbeFailsWithAuth() throws Exception {
        RawScriptedServer server = server(smtp("OAUTHBEARER", n -> false));

        SubmissionResult result = submit(server, account(OAuthMechanism.OAUTHBEARER));

        assertEquals(Reason.AUTH, result.reason(), result.detail());
        assertEquals(List.of("1 " + oauthBearer("token-1"), "2 " + oauthBearer("token-2")),
                signIns(server, "AUTH OAUTHBEARER"));
        assertEquals(List.of("1 " + ACKNOWLEDGEMENT, "2 " + ACKNOWLEDGEMENT), server.lines().stream()
                .filter(l -> l.endsWith(" " + ACKNOWLEDGEMENT)).toList(), "the error challenge answered each time");
        assertEquals(2, endpoint.requests());
    }

    @Test
    void aTokenRefusedOnceAndAFreshOneAcceptedIsASuccess() throws Exception {
        RawScriptedServer server = server(smtp("OAUTHBEARER", n -> n == 2));

        SubmissionResult result = submit(server, account(OAuthMechanism.AUTO));

        assertEquals(Reason.NONE, result.reason(), result.detail());
        assertEquals(2, server.connections());
    }

    @Test
    void noTokenIsReasonTokenWithTheEndpointsStatusAndTheMailServerIsNotAsked() throws Exception {
        endpoint.refuseWith401();
        RawScriptedServer server = server(smtp("OAUTHBEARER", n -> true));

        SubmissionResult result = submit(server, account(OAuthMechanism.AUTO));

        assertEquals(Reason.TOKEN, result.reason());
        assertEquals(Stage.AUTH, result.failedStage());
        assertEquals("the token endpoint answered HTTP 401 invalid_client", result.detail());
        assertEquals(0, server.connections());
    }

    /** An IMAP server whose greeting advertises {@code capabilities}; {@code accept} as for SMTP. */
    private static RawScriptedServer.Script imap(String capabilities, java.util.function.IntPredicate accept) {
        return peer -> {
            peer.send("* OK [CAPABILITY IMAP4rev1 " + capabilities + "] scripted");
            String line;
            while ((line = peer.readLine()) != null) {
                String[] words = line.split(" ", 3);
                String tag = words[0];
                String command = words.length > 1 ? words[1].toUpperCase(java.util.Locale.ROOT) : "";
                if (command.equals("CAPABILITY")) {
                    peer.send("* CAPABILITY IMAP4rev1 " + capabilities + "\n" + tag + " OK done");
                } else if (command.equals("AUTHENTICATE")) {
                    if (!words[2].contains(" ")) { // no initial response: ask for it
                        peer.send("+ ");
                        peer.readLine();
                    }
                    if (accept.test(peer.connection())) {
                        peer.send(tag + " OK [CAPABILITY IMAP4rev1 IDLE] signed in");
                    } else {
                        peer.send("+ " + ERROR_CHALLENGE);
                        String answer = peer.readLine();
                        peer.send(tag + (ACKNOWLEDGEMENT.equals(answer) ? " NO token refused" : " BAD not the %x01"));
                    }
                } else if (command.equals("LOGOUT")) {
                    peer.send("* BYE bye\n" + tag + " OK done");
                    return;
                } else {
                    peer.send(tag + " NO not here");
                }
            }
        };
    }

    private static OAuthImapStore store(RawScriptedServer server, OAuthMechanism mechanism) {
        Instant now = ProbeClock.system().now();
        Properties props = MailSessions.properties("imap", new ServerEndpoint("127.0.0.1", server.port(), TlsMode.PLAIN),
                TlsPolicy.verified(), new Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(5)), "probe.test", now,
                now.plusSeconds(20));
        return new OAuthImapStore(Session.getInstance(props), false, mechanism);
    }

    @Test
    void theImapWatchersStoreSpeaksOauthbearerWhenOffered() throws Exception {
        RawScriptedServer server = server(imap("SASL-IR AUTH=PLAIN AUTH=XOAUTH2 AUTH=OAUTHBEARER", n -> true));
        OAuthImapStore store = store(server, OAuthMechanism.AUTO);

        store.connect("127.0.0.1", server.port(), USER, "token-7");
        store.close();

        assertEquals(List.of("1 " + oauthBearer("token-7")), signIns(server, "AUTHENTICATE OAUTHBEARER"));
        assertTrue(server.lines().stream().noneMatch(l -> l.toUpperCase().contains(" LOGIN ")), server.lines().toString());
    }

    @Test
    void theImapWatchersStoreSpeaksXoauth2WhenAskedTo() throws Exception {
        RawScriptedServer server = server(imap("SASL-IR AUTH=XOAUTH2 AUTH=OAUTHBEARER", n -> true));
        OAuthImapStore store = store(server, OAuthMechanism.XOAUTH2);

        store.connect("127.0.0.1", server.port(), USER, "token-7");
        store.close();

        assertEquals(List.of("1 user=" + USER + "\u0001auth=Bearer token-7\u0001\u0001"),
                signIns(server, "AUTHENTICATE XOAUTH2"));
    }

    @Test
    void theImapWatchersStoreNeverSendsTheTokenAsAPassword() throws Exception {
        RawScriptedServer server = server(imap("AUTH=PLAIN", n -> true));
        OAuthImapStore store = store(server, OAuthMechanism.AUTO);

        MessagingException e = assertThrows(MessagingException.class,
                () -> store.connect("127.0.0.1", server.port(), USER, "token-7"));

        assertEquals(Reason.AUTH, FailureClassifier.classify(e));
        assertFalse(OAuthSasl.tokenRefused(e), "a fresh token would not help");
        assertTrue(server.lines().stream().noneMatch(l -> l.contains("token-7") || l.toUpperCase().contains("LOGIN")
                || l.toUpperCase().contains("AUTHENTICATE")), server.lines().toString());
    }

    @Test
    void theImapWatchersStoreAnswersTheErrorChallengeAndReportsARefusedToken() throws Exception {
        RawScriptedServer server = server(imap("SASL-IR AUTH=OAUTHBEARER", n -> false));
        OAuthImapStore store = store(server, OAuthMechanism.OAUTHBEARER);

        MessagingException e = assertThrows(MessagingException.class,
                () -> store.connect("127.0.0.1", server.port(), USER, "token-7"));

        assertTrue(OAuthSasl.tokenRefused(e), e.toString());
        assertTrue(server.lines().contains("1 " + ACKNOWLEDGEMENT), server.lines().toString());
    }

    private ReachabilityResult check(EndpointKind kind, RawScriptedServer server, Account login) {
        return new ReachabilityCheck(new ReachabilitySettings(kind, new ServerEndpoint("127.0.0.1", server.port(),
                TlsMode.PLAIN), TlsPolicy.verified(), new Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(5)), login,
                "/", Set.of(200), "probe.test"), ProbeClock.system()).check(soon());
    }

    @Test
    void imapReachabilityAnswersTheErrorChallengeAndRetriesOnceWithAFreshToken() throws Exception {
        RawScriptedServer server = server(imap("SASL-IR AUTH=OAUTHBEARER AUTH=XOAUTH2", n -> false));

        ReachabilityResult result = check(EndpointKind.IMAP, server, account(OAuthMechanism.AUTO));

        assertEquals(Reason.AUTH, result.reason(), result.detail());
        assertEquals(List.of("1 " + oauthBearer("token-1"), "2 " + oauthBearer("token-2")),
                signIns(server, "a2 AUTHENTICATE OAUTHBEARER"));
        assertTrue(server.lines().containsAll(List.of("1 " + ACKNOWLEDGEMENT, "2 " + ACKNOWLEDGEMENT)),
                server.lines().toString());
    }

    @Test
    void imapReachabilitySendsTheResponseAfterTheContinuationWithoutSaslIr() throws Exception {
        RawScriptedServer server = server(imap("AUTH=XOAUTH2", n -> true));

        ReachabilityResult result = check(EndpointKind.IMAP, server, account(OAuthMechanism.AUTO));

        assertEquals(Reason.NONE, result.reason(), result.detail());
        assertTrue(server.lines().contains("1 a2 AUTHENTICATE XOAUTH2"), server.lines().toString());
    }

    @Test
    void smtpReachabilitySignsInWithOauthbearerAndRetriesARefusal() throws Exception {
        RawScriptedServer server = server(smtp("XOAUTH2 OAUTHBEARER", n -> n == 2));

        ReachabilityResult result = check(EndpointKind.SMTP, server, account(OAuthMechanism.AUTO));

        assertEquals(Reason.NONE, result.reason(), result.detail());
        assertEquals(List.of("1 " + oauthBearer("token-1"), "2 " + oauthBearer("token-2")),
                signIns(server, "AUTH OAUTHBEARER"));
    }

    /** A POP3 server with CAPA listing {@code sasl}; {@code accept} as for SMTP. */
    private static RawScriptedServer.Script pop3(String sasl, java.util.function.IntPredicate accept) {
        return peer -> {
            peer.send("+OK scripted");
            String line;
            while ((line = peer.readLine()) != null) {
                String upper = line.toUpperCase(java.util.Locale.ROOT);
                if (upper.equals("CAPA")) {
                    peer.send("+OK\nUIDL\nTOP\nSASL " + sasl + "\n.");
                } else if (upper.startsWith("AUTH ")) {
                    if (accept.test(peer.connection())) {
                        peer.send("+OK signed in");
                    } else {
                        peer.send("+ " + ERROR_CHALLENGE);
                        String answer = peer.readLine();
                        peer.send(ACKNOWLEDGEMENT.equals(answer) ? "-ERR token refused" : "-ERR not the %x01");
                    }
                } else if (upper.equals("QUIT")) {
                    peer.send("+OK bye");
                    return;
                } else {
                    peer.send("-ERR what");
                }
            }
        };
    }

    @Test
    void pop3ReachabilitySignsInWithOauthbearerAndRetriesARefusal() throws Exception {
        RawScriptedServer server = server(pop3("XOAUTH2 OAUTHBEARER", n -> false));

        ReachabilityResult result = check(EndpointKind.POP3, server, account(OAuthMechanism.AUTO));

        assertEquals(Reason.AUTH, result.reason(), result.detail());
        assertEquals(List.of("1 " + oauthBearer("token-1"), "2 " + oauthBearer("token-2")),
                signIns(server, "AUTH OAUTHBEARER"));
        assertTrue(server.lines().stream().noneMatch(l -> l.contains("USER") || l.contains("PASS")));
    }

    @Test
    void aTcpCheckNeedsNoToken() throws Exception {
        endpoint.refuseWith401();
        RawScriptedServer server = server(peer -> peer.readLine());

        ReachabilityResult result = check(EndpointKind.TCP, server, account(OAuthMechanism.AUTO));

        assertEquals(Reason.NONE, result.reason(), result.detail());
        assertEquals(0, endpoint.requests());
    }

    @Test
    void aWatchersTokenFailureAfterATimedOutConnectionIsReasonToken() throws Exception {
        // The first connection trickles its CAPABILITY answer until its command deadline closes it.
        RawScriptedServer server = server(peer -> {
            peer.send("* OK scripted");
            peer.readLine();
            peer.raw("* CAPABILITY IMAP4rev1 ");
            while (true) {
                peer.raw("X");
                Thread.sleep(100);
            }
        });
        endpoint.expiresIn(1); // refreshed, and expired, long before the deadline closes the connection
        BearerTokens tokens = endpoint.open(Duration.ofMinutes(5));
        closing.add(tokens);
        Watching.Recorder recorder = new Watching.Recorder();
        ImapArrivalWatcher watcher = new ImapArrivalWatcher(new WatchSettings(
                new ServerEndpoint("127.0.0.1", server.port(), TlsMode.PLAIN),
                Account.oauth(USER, new OAuthLogin(tokens, OAuthMechanism.AUTO)), TlsPolicy.verified(),
                new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1)), "INBOX", Duration.ofSeconds(1),
                Duration.ofMinutes(5), false, "probe.test", Watching.AGENT, true),
                Watching.SIGNER, recorder, ProbeClock.system());
        closing.add(watcher::close);
        watcher.start();
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (endpoint.requests() < 1) {
            assertTrue(System.nanoTime() - end < 0, "no token fetched");
            Thread.sleep(10);
        }
        endpoint.refuseWith401();

        while (recorder.failures.size() < 2) {
            assertTrue(System.nanoTime() - end < 0, "not two failures: " + recorder.failures);
            Thread.sleep(20);
        }

        assertEquals(List.of(Reason.TIMEOUT, Reason.TOKEN), recorder.failures.subList(0, 2));
    }

    /**
     * A POP3 server refusing a token as Dovecot does: the error challenge, and then, since Angus
     * Mail never answers it, whatever the client sends next (its STAT) is taken as the answer and
     * refused with {@code -ERR [AUTH]}. {@code accept} as for SMTP.
     */
    private static RawScriptedServer.Script dovecotLikePop3(java.util.function.IntPredicate accept) {
        return peer -> {
            peer.send("+OK scripted");
            String line;
            while ((line = peer.readLine()) != null) {
                String upper = line.toUpperCase(java.util.Locale.ROOT);
                if (upper.equals("CAPA")) {
                    peer.send("+OK\nUIDL\nTOP\nSASL XOAUTH2\n.");
                } else if (upper.startsWith("AUTH ")) {
                    if (accept.test(peer.connection())) {
                        peer.send("+OK signed in");
                    } else {
                        peer.send("+ " + ERROR_CHALLENGE);
                        peer.readLine();
                        peer.send("-ERR [AUTH] Authentication failed.");
                    }
                } else if (upper.equals("STAT")) {
                    peer.send("+OK 0 0");
                } else if (upper.equals("NOOP")) {
                    peer.send("+OK");
                } else if (upper.equals("UIDL")) {
                    peer.send("+OK\n.");
                } else if (upper.equals("QUIT")) {
                    peer.send("+OK bye");
                    return;
                } else {
                    peer.send("-ERR what");
                }
            }
        };
    }

    private Pop3ArrivalWatcher pop3Watcher(RawScriptedServer server, Watching.Recorder recorder) {
        Pop3ArrivalWatcher watcher = new Pop3ArrivalWatcher(new WatchSettings(
                new ServerEndpoint("127.0.0.1", server.port(), TlsMode.PLAIN), account(OAuthMechanism.AUTO),
                TlsPolicy.verified(), new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2)), "INBOX",
                Duration.ofSeconds(30), Duration.ofMinutes(5), true, "probe.test", Watching.AGENT, false),
                Watching.SIGNER, recorder, ProbeClock.system());
        closing.add(watcher::close);
        watcher.start();
        return watcher;
    }

    @Test
    void aPop3TokenRefusedAtTheFirstCommandIsRetriedOnceWithAFreshOne() throws Exception {
        RawScriptedServer server = server(dovecotLikePop3(n -> n >= 2));
        Watching.Recorder recorder = new Watching.Recorder();

        Pop3ArrivalWatcher watcher = pop3Watcher(server, recorder);
        Watching.await("the watcher to sign in", watcher::healthy);

        assertEquals(List.of(), recorder.failures);
        assertEquals(List.of("1 user=" + USER + "\u0001auth=Bearer token-1\u0001\u0001",
                "2 user=" + USER + "\u0001auth=Bearer token-2\u0001\u0001"), signIns(server, "AUTH XOAUTH2"));
    }

    @Test
    void aPop3TokenRefusedAtTheFirstCommandTwiceIsReasonAuth() throws Exception {
        RawScriptedServer server = server(dovecotLikePop3(n -> false));
        Watching.Recorder recorder = new Watching.Recorder();

        pop3Watcher(server, recorder);
        Watching.await("a failure", () -> !recorder.failures.isEmpty());

        assertEquals(Reason.AUTH, recorder.failures.get(0));
    }

    @Test
    void aPop3WatcherRefusesOauthbearerAtOnce() {
        WatchSettings settings = new WatchSettings(new ServerEndpoint("127.0.0.1", 110, TlsMode.PLAIN),
                account(OAuthMechanism.OAUTHBEARER), TlsPolicy.verified(), Timeouts.DEFAULT, "INBOX",
                Duration.ofSeconds(5), Duration.ofMinutes(5), true, "probe.test", Watching.AGENT, false);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Pop3ArrivalWatcher(settings, Watching.SIGNER, new Watching.Recorder(), ProbeClock.system()));

        assertTrue(e.getMessage().contains("XOAUTH2 only"), e.getMessage());
    }

    @Test
    void noTokenAppearsInALogLineOrAResult() throws Exception {
        RawScriptedServer smtp = server(smtp("OAUTHBEARER XOAUTH2", n -> false));
        RawScriptedServer imap = server(imap("SASL-IR AUTH=OAUTHBEARER", n -> false));
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> results = new ArrayList<>();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            SubmissionResult submitted = submit(smtp, account(OAuthMechanism.AUTO));
            ReachabilityResult checked = check(EndpointKind.IMAP, imap, account(OAuthMechanism.AUTO));
            results.add(submitted.toString());
            results.add(checked.toString());
            endpoint.refuseWith401();
            results.add(submit(smtp, account(OAuthMechanism.AUTO)).toString());
        } finally {
            System.setErr(err);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);
        assertTrue(logs.contains("The server refused the access token"), "the retry was logged: " + logs);
        for (int n = 1; n <= 4; n++) {
            String token = "token-" + n;
            String encoded = Base64.getEncoder().encodeToString(oauthBearer(token).getBytes(StandardCharsets.UTF_8));
            for (String text : List.of(logs, String.join("\n", results))) {
                assertFalse(text.contains(token) || text.contains(encoded), token + " leaked: " + text);
            }
        }
        assertFalse(logs.contains("client-secret-1") || String.join("\n", results).contains("client-secret-1"));
    }
}
