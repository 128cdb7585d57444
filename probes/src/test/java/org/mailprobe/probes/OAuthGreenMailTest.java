package org.mailprobe.probes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.probes.oauth.BearerTokenSources;
import org.mailprobe.probes.oauth.TokenGrant;
import org.mailprobe.probes.reachability.ReachabilityCheck;
import org.mailprobe.probes.reachability.ReachabilityResult;
import org.mailprobe.probes.reachability.ReachabilitySettings;
import org.mailprobe.probes.submit.SubmissionProbe;
import org.mailprobe.probes.submit.SubmissionResult;
import org.mailprobe.probes.submit.SubmissionSettings;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.TokenEndpointStub;
import org.mailprobe.probes.testing.Watching;
import org.mailprobe.probes.watch.ImapArrivalWatcher;
import org.mailprobe.probes.watch.Pop3ArrivalWatcher;

/**
 * XOAUTH2 against GreenMail, which speaks it on SMTP, IMAP and POP3 and takes the bearer token as
 * the user's password: a token file holding that password signs in; any other token is refused.
 */
@Timeout(60)
class OAuthGreenMailTest {
    private final TestProvider provider = new TestProvider();
    private ArrivalWatcher watcher;
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
        provider.close();
    }

    private Account oauth(String token) throws Exception {
        Path file = Files.writeString(dir.resolve("token"), token + "\n");
        BearerTokens tokens = BearerTokenSources.open(new TokenGrant.TokenFile(file), TlsPolicy.verified(),
                Timeouts.DEFAULT, Duration.ofMinutes(5), ProbeClock.system());
        return Account.oauth(TestProvider.USER, new OAuthLogin(tokens, OAuthMechanism.AUTO));
    }

    private static Instant soon() {
        return ProbeClock.system().now().plusSeconds(20);
    }

    @Test
    void submissionSignsInWithXoauth2() throws Exception {
        SubmissionProbe probe = new SubmissionProbe(new SubmissionSettings(provider.smtp(),
                oauth(TestProvider.PASSWORD), TestProvider.trusted(), TestProvider.FAST, "probe.test"), Watching.SIGNER, ProbeClock.system());

        SubmissionResult result = probe.submit(TestProvider.USER, TestProvider.USER, Watching.token(Watching.AGENT),
                soon());

        assertEquals(Reason.NONE, result.reason(), result.detail());
        assertEquals(1, provider.inbox().size());
    }

    @Test
    void submissionWithATokenTheServerRefusesFailsWithAuth() throws Exception {
        SubmissionProbe probe = new SubmissionProbe(new SubmissionSettings(provider.smtp(), oauth("not-the-token"),
                TestProvider.trusted(), TestProvider.FAST, "probe.test"), Watching.SIGNER, ProbeClock.system());

        SubmissionResult result = probe.submit(TestProvider.USER, TestProvider.USER, Watching.token(Watching.AGENT),
                soon());

        assertEquals(Reason.AUTH, result.reason(), result.detail());
        assertEquals(Stage.AUTH, result.failedStage());
    }

    @Test
    void imapWatcherSignsInWithXoauth2AndSeesAProbe() throws Exception {
        watchAndSee(new ImapArrivalWatcher(Watching.settings(provider, provider.imap(), oauth(TestProvider.PASSWORD),
                TestProvider.trusted(), true, true), Watching.SIGNER, recorder, ProbeClock.system()));
    }

    @Test
    void pop3WatcherSignsInWithXoauth2AndSeesAProbe() throws Exception {
        watchAndSee(new Pop3ArrivalWatcher(Watching.settings(provider, provider.pop3(), oauth(TestProvider.PASSWORD),
                TestProvider.trusted(), true, true), Watching.SIGNER, recorder, ProbeClock.system()));
    }

    private final Watching.Recorder recorder = new Watching.Recorder();

    private void watchAndSee(ArrivalWatcher w) throws Exception {
        watcher = w;
        w.start();
        Watching.Delivery sent = Watching.sendProbe(provider, Watching.AGENT);
        w.expectArrival(soon());
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!recorder.saw(sent.token())) {
            assertTrue(System.nanoTime() - end < 0, "no arrival; watch failures: " + recorder.failures);
            Thread.sleep(20);
        }
        assertTrue(recorder.failures.isEmpty(), "failures: " + recorder.failures);
    }

    /** GreenMail takes only {@code token-2}: the endpoint's first token is refused, its second accepted. */
    private Account acceptingTheSecondToken(TokenEndpointStub endpoint) {
        provider.greenMail().setUser(TestProvider.USER, TestProvider.USER, "token-2");
        return Account.oauth(TestProvider.USER, new OAuthLogin(endpoint.open(Duration.ofMinutes(5)), OAuthMechanism.AUTO));
    }

    @Test
    void imapWatcherSignsInAgainWithAFreshTokenWhenOneIsRefused() throws Exception {
        try (TokenEndpointStub endpoint = new TokenEndpointStub()) {
            watchAndSee(new ImapArrivalWatcher(Watching.settings(provider, provider.imap(),
                    acceptingTheSecondToken(endpoint), TestProvider.trusted(), true, true), Watching.SIGNER, recorder, ProbeClock.system()));

            assertEquals(2, endpoint.requests());
        }
    }

    @Test
    void pop3WatcherSignsInAgainWithAFreshTokenWhenOneIsRefused() throws Exception {
        try (TokenEndpointStub endpoint = new TokenEndpointStub()) {
            watchAndSee(new Pop3ArrivalWatcher(Watching.settings(provider, provider.pop3(),
                    acceptingTheSecondToken(endpoint), TestProvider.trusted(), true, true), Watching.SIGNER, recorder, ProbeClock.system()));

            assertEquals(2, endpoint.requests());
        }
    }

    @Test
    void aWatcherWithoutATokenReportsReasonToken() throws Exception {
        try (TokenEndpointStub endpoint = new TokenEndpointStub()) {
            endpoint.refuseWith401();
            watcher = new ImapArrivalWatcher(Watching.settings(provider, provider.imap(),
                    Account.oauth(TestProvider.USER, new OAuthLogin(endpoint.open(Duration.ofMinutes(5)),
                            OAuthMechanism.AUTO)), TestProvider.trusted(), true, true), Watching.SIGNER, recorder, ProbeClock.system());
            watcher.start();

            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (recorder.failures.isEmpty()) {
                assertTrue(System.nanoTime() - end < 0, "no watch failure reported");
                Thread.sleep(20);
            }
            assertEquals(Reason.TOKEN, recorder.failures.get(0));
            assertTrue(!watcher.healthy());
        }
    }

    @Test
    void reachabilityChecksSignInWithXoauth2OnEveryProtocol() throws Exception {
        Account login = oauth(TestProvider.PASSWORD);
        for (EndpointKind kind : List.of(EndpointKind.SMTP, EndpointKind.IMAP, EndpointKind.POP3)) {
            ServerEndpoint endpoint = kind == EndpointKind.SMTP ? provider.smtp()
                    : kind == EndpointKind.IMAP ? provider.imap() : provider.pop3();
            ReachabilityResult result = new ReachabilityCheck(new ReachabilitySettings(kind, endpoint,
                    TestProvider.trusted(), TestProvider.FAST, login, "/", Set.of(200), "probe.test"), ProbeClock.system()).check(soon());

            assertEquals(Reason.NONE, result.reason(), kind + ": " + result.detail());
        }
    }

    @Test
    void reachabilityWithARefusedTokenFailsWithAuth() throws Exception {
        ReachabilityResult result = new ReachabilityCheck(new ReachabilitySettings(EndpointKind.IMAP, provider.imap(),
                TestProvider.trusted(), TestProvider.FAST, oauth("not-the-token"), "/", Set.of(200), "probe.test"), ProbeClock.system())
                .check(soon());

        assertEquals(Reason.AUTH, result.reason(), result.detail());
        assertEquals(Stage.LOGIN, result.failedStage());
    }
}
