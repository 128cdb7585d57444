package org.mailprobe.probes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailprobe.probes.testing.Watching.AGENT;
import static org.mailprobe.probes.testing.Watching.await;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.testing.FakeRoundcube;
import org.mailprobe.probes.testing.TestCa;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;
import org.mailprobe.probes.testing.Watching.Recorder;
import org.mailprobe.probes.token.ProbeMessage;
import org.mailprobe.probes.token.TokenSigner;
import org.mailprobe.probes.webmail.FormLoginSettings;
import org.mailprobe.probes.webmail.WebmailSettings;

class WebmailArrivalWatcherTest {
    /** The webmail client's cap on one answer (WebmailHttp.MAX_BODY): a body beyond it is refused. */
    static final int WEBMAIL_MAX_BODY = 4 * 1024 * 1024;

    private static final String USER = "probe@example.test";
    private static final String PASSWORD = "webmail-secret-1";
    private static final Duration POLL = Duration.ofMillis(100);

    private final Recorder recorder = new Recorder();
    private FakeRoundcube roundcube;
    private WebmailArrivalWatcher watcher;

    @AfterEach
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
        if (roundcube != null) {
            roundcube.close();
        }
    }

    static String raw(ProbeToken token, TokenSigner signer) throws Exception {
        MimeMessage m = ProbeMessage.build(Session.getInstance(new Properties()), "agent@example.test", USER, token,
                signer);
        m.addHeader("Received", "from submit.example.test by mx.example.test; Tue, 24 Nov 2026 10:00:00 +0000");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private WebmailSettings roundcubeSettings(String password, TlsPolicy tls) {
        return new WebmailSettings(roundcube.url(), WebmailSettings.Driver.ROUNDCUBE, null,
                new Account(USER, Secret.of(password)), tls, TestProvider.FAST, "INBOX", POLL, "agent.test", AGENT);
    }

    /** The docs' worked example: Roundcube driven by the generic form driver. */
    static FormLoginSettings roundcubeAsForm() {
        return new FormLoginSettings("?_task=login", null, "_user", "_pass",
                Map.of("_task", "login", "_action", "login", "_timezone", "_default_", "_url", ""),
                List.of(new FormLoginSettings.Extract("_token", "input[name=_token]", null)),
                Pattern.compile("\"task\":\"mail\""),
                List.of(new FormLoginSettings.Extract("request_token", null,
                        Pattern.compile("\"request_token\":\"([^\"]+)\""))),
                "?_task=mail&_action=search&_q={query}&_headers=subject&_filter=ALL&_scope=base&_mbox={folder}"
                        + "&_remote=1",
                Map.of("X-Roundcube-Request", "{request_token}"),
                Pattern.compile("add_message_row\\((\\d+),"),
                "?_task=mail&_action=viewsource&_uid={id}&_mbox={folder}",
                Pattern.compile("session_error"),
                "?_task=logout&_token={request_token}");
    }

    private WebmailArrivalWatcher start(WebmailSettings settings) throws Exception {
        watcher = new WebmailArrivalWatcher(settings, Watching.SIGNER, recorder, ProbeClock.system());
        watcher.start();
        return watcher;
    }

    private ProbeToken deliverProbe() throws Exception {
        ProbeToken token = Watching.token(AGENT);
        roundcube.deliver(raw(token, Watching.SIGNER));
        return token;
    }

    @Test
    @Timeout(20)
    void probeIsReportedOnceWithTheHttpTimings() throws Exception {
        roundcube = new FakeRoundcube(USER, PASSWORD, false);
        start(roundcubeSettings(PASSWORD, TlsPolicy.verified()));
        ProbeToken token = deliverProbe();

        Arrival arrival = recorder.awaitArrival(token);
        int searches = roundcube.searches.get();
        await("three more polls", () -> roundcube.searches.get() >= searches + 3);

        assertEquals(1, recorder.of(token).size());
        assertEquals(1, roundcube.sources.get(), "the source is fetched once, when first listed");
        assertEquals(AccessPath.WEBMAIL, arrival.path());
        assertEquals(USER + "@localhost:" + roundcube.url().getPort() + "/INBOX", arrival.mailbox());
        assertEquals(Set.of("webmail_driver", "login_ms", "search_ms", "source_ms"), arrival.evidence().keySet());
        assertEquals("roundcube", arrival.evidence().get("webmail_driver"));
        assertEquals(List.of("from submit.example.test by mx.example.test; Tue, 24 Nov 2026 10:00:00 +0000"),
                arrival.received());
        assertEquals(1, roundcube.goodLogins.get(), "the session is kept between polls");
        assertTrue(watcher.healthy());
    }

    @Test
    @Timeout(30)
    void oversizedEntryIsSkippedCountedAndNotDownloadedAgain() throws Exception {
        roundcube = new FakeRoundcube(USER, PASSWORD, false);
        Watching.Recorder counting = recorder;
        ProbeToken before = deliverProbe();
        ProbeToken poison = Watching.token(AGENT);
        roundcube.deliver(raw(poison, Watching.SIGNER) + "x".repeat(WEBMAIL_MAX_BODY + 1));
        ProbeToken after = deliverProbe();
        watcher = new WebmailArrivalWatcher(roundcubeSettings(PASSWORD, TlsPolicy.verified()), Watching.SIGNER,
                counting, ProbeClock.system());
        watcher.start();

        counting.awaitArrival(before);
        counting.awaitArrival(after);
        int searches = roundcube.searches.get();
        await("three more polls", () -> roundcube.searches.get() >= searches + 3);

        assertEquals(List.of("oversized"), counting.skipped);
        assertEquals(3, roundcube.sources.get(), "each source fetched once, the oversized one too");
        assertTrue(counting.failures.isEmpty(), "no poll failed: " + counting.failures);
        assertFalse(counting.saw(poison));
    }

    @Test
    @Timeout(20)
    void watcherOnlyReads() throws Exception {
        roundcube = new FakeRoundcube(USER, PASSWORD, false);
        recorder.measured = true; // the listener would let it delete: the webmail path still must not
        start(roundcubeSettings(PASSWORD, TlsPolicy.verified()));
        recorder.awaitArrival(deliverProbe());
        watcher.close();

        // One POST, the login; the rest are reads: no delete, move, flag or mark-read action.
        assertEquals(Set.of("GET login/", "POST login/", "GET mail/", "GET mail/search", "GET mail/viewsource",
                "GET logout/"), roundcube.actionNames());
    }

    @Test
    @Timeout(20)
    void forgedOrForeignTokenIsNeverReported() throws Exception {
        roundcube = new FakeRoundcube(USER, PASSWORD, false);
        start(roundcubeSettings(PASSWORD, TlsPolicy.verified()));
        ProbeToken forged = Watching.token(AGENT);
        roundcube.deliver(raw(forged, Watching.WRONG_SIGNER));
        await("the forged one's source to be read", () -> roundcube.sources.get() == 1);

        recorder.awaitArrival(deliverProbe()); // a later poll, and the forged one is not re-read

        assertFalse(recorder.saw(forged));
        assertEquals(2, roundcube.sources.get());
    }

    @Test
    @Timeout(20)
    void expiredSessionLogsInAgainWithinThePoll() throws Exception {
        roundcube = new FakeRoundcube(USER, PASSWORD, false);
        start(roundcubeSettings(PASSWORD, TlsPolicy.verified()));
        recorder.awaitArrival(deliverProbe());

        roundcube.expireSessions();
        ProbeToken second = deliverProbe();
        Arrival arrival = recorder.awaitArrival(second);

        assertEquals(2, roundcube.goodLogins.get());
        assertEquals("true", arrival.evidence().get("session_renewed"));
        assertEquals(List.of(), recorder.failures, "a renewed session is no failure");
    }

    @Test
    @Timeout(20)
    void serverErrorIsReasonHttpStatusAndCostsOnePoll() throws Exception {
        roundcube = new FakeRoundcube(USER, PASSWORD, false);
        roundcube.searchStatus = 500;
        start(roundcubeSettings(PASSWORD, TlsPolicy.verified()));

        await("a failure", () -> !recorder.failures.isEmpty());
        assertEquals(Reason.HTTP_STATUS, recorder.failures.get(0));
        assertFalse(watcher.healthy());

        roundcube.searchStatus = 0;
        recorder.awaitArrival(deliverProbe());
        await("healthy again", watcher::healthy);
    }

    @Test
    @Timeout(20)
    void unreadableSearchAnswerIsReasonSearch() throws Exception {
        roundcube = new FakeRoundcube(USER, PASSWORD, false);
        roundcube.searchPage = "<html><body>Down for maintenance</body></html>";
        start(roundcubeSettings(PASSWORD, TlsPolicy.verified()));

        await("a failure", () -> !recorder.failures.isEmpty());

        assertEquals(Reason.SEARCH, recorder.failures.get(0));
    }

    @Test
    @Timeout(20)
    void sessionLostAgainRightAfterAFreshLoginIsReasonSession() throws Exception {
        roundcube = new FakeRoundcube(USER, PASSWORD, false);
        roundcube.sessionsDie = true;
        start(roundcubeSettings(PASSWORD, TlsPolicy.verified()));

        await("a failure", () -> !recorder.failures.isEmpty());

        assertEquals(Reason.SESSION, recorder.failures.get(0));
        assertEquals(2, roundcube.goodLogins.get(), "one fresh login within the poll, not a loop of them");
    }

    @Test
    @Timeout(20)
    void wrongPasswordIsReasonLogin() throws Exception {
        roundcube = new FakeRoundcube(USER, PASSWORD, false);
        start(roundcubeSettings("not-the-password", TlsPolicy.verified()));

        await("a failure", () -> !recorder.failures.isEmpty());

        assertEquals(Reason.LOGIN, recorder.failures.get(0));
        assertEquals(0, roundcube.searches.get());
        assertFalse(watcher.healthy());
    }

    @Test
    @Timeout(20)
    void logsOutOnClose() throws Exception {
        roundcube = new FakeRoundcube(USER, PASSWORD, false);
        start(roundcubeSettings(PASSWORD, TlsPolicy.verified()));
        recorder.awaitArrival(deliverProbe());

        watcher.close();

        assertEquals(1, roundcube.logouts.get());
    }

    @Test
    @Timeout(20)
    void stuckServerIsReasonTimeoutAndCloseDoesNotWaitForIt() throws Exception {
        roundcube = new FakeRoundcube(USER, PASSWORD, false);
        roundcube.searchDelayMillis = 60_000;
        Timeouts quick = new Timeouts(Duration.ofSeconds(1), Duration.ofMillis(500));
        start(new WebmailSettings(roundcube.url(), WebmailSettings.Driver.ROUNDCUBE, null,
                new Account(USER, Secret.of(PASSWORD)), TlsPolicy.verified(), quick, "INBOX", POLL, "agent.test",
                AGENT));

        await("a failure", () -> !recorder.failures.isEmpty());
        assertEquals(Reason.TIMEOUT, recorder.failures.get(0));

        long before = System.nanoTime();
        watcher.close();
        assertTrue(Duration.ofNanos(System.nanoTime() - before).compareTo(Duration.ofSeconds(3)) < 0);
    }

    @Test
    @Timeout(20)
    void httpsIsVerifiedAgainstThePrivateCa() throws Exception {
        roundcube = new FakeRoundcube(USER, PASSWORD, true);
        start(roundcubeSettings(PASSWORD, TlsPolicy.trusting(TestCa.get().caPem())));

        recorder.awaitArrival(deliverProbe());
    }

    @Test
    @Timeout(20)
    void httpsWithAnUntrustedCertificateIsReasonCertificate() throws Exception {
        roundcube = new FakeRoundcube(USER, PASSWORD, true);
        start(roundcubeSettings(PASSWORD, TlsPolicy.verified()));

        await("a failure", () -> !recorder.failures.isEmpty());

        assertEquals(Reason.CERTIFICATE, recorder.failures.get(0));
        assertEquals(0, roundcube.loginPosts.get(), "no password is sent to an unverified server");
    }

    @Test
    @Timeout(20)
    void formDriverConfiguredAsRoundcubeFindsTheProbe() throws Exception {
        roundcube = new FakeRoundcube(USER, PASSWORD, false);
        start(new WebmailSettings(roundcube.url(), WebmailSettings.Driver.FORM, roundcubeAsForm(),
                new Account(USER, Secret.of(PASSWORD)), TlsPolicy.verified(), TestProvider.FAST, "INBOX", POLL,
                "agent.test", AGENT));
        Arrival arrival = recorder.awaitArrival(deliverProbe());
        assertEquals("form", arrival.evidence().get("webmail_driver"));

        roundcube.expireSessions();
        recorder.awaitArrival(deliverProbe());
        watcher.close();

        assertEquals(2, roundcube.goodLogins.get());
        assertEquals(1, roundcube.logouts.get());
        assertEquals(List.of(), recorder.failures);
    }

    @Test
    @Timeout(20)
    void formDriverWithoutIdPatternVerifiesTheTokenTheSearchAnswerShows() throws Exception {
        roundcube = new FakeRoundcube(USER, PASSWORD, false);
        FormLoginSettings rc = roundcubeAsForm();
        // A "search" whose answer is a message's source: the token shows in the answer itself.
        FormLoginSettings form = new FormLoginSettings(rc.loginUrl(), null, rc.userField(), rc.passwordField(),
                rc.fields(), rc.hiddenFields(), rc.loggedIn(), rc.captures(),
                "?_task=mail&_action=viewsource&_uid=2&_mbox={folder}", rc.searchHeaders(), null, null,
                rc.sessionExpired(), rc.logoutUrl());
        roundcube.deliver(raw(Watching.token(AGENT), Watching.WRONG_SIGNER)); // uid 1: never asked for
        ProbeToken token = deliverProbe(); // uid 2
        start(new WebmailSettings(roundcube.url(), WebmailSettings.Driver.FORM, form,
                new Account(USER, Secret.of(PASSWORD)), TlsPolicy.verified(), TestProvider.FAST, "INBOX", POLL,
                "agent.test", AGENT));

        Arrival arrival = recorder.awaitArrival(token);

        assertFalse(arrival.evidence().containsKey("source_ms"), "no second request: the answer had the token");
        assertEquals(1, recorder.arrivals.size());
    }

    @Test
    @Timeout(20)
    void formDriverWithWrongPasswordIsReasonLogin() throws Exception {
        roundcube = new FakeRoundcube(USER, PASSWORD, false);
        start(new WebmailSettings(roundcube.url(), WebmailSettings.Driver.FORM, roundcubeAsForm(),
                new Account(USER, Secret.of("wrong")), TlsPolicy.verified(), TestProvider.FAST, "INBOX", POLL,
                "agent.test", AGENT));

        await("a failure", () -> !recorder.failures.isEmpty());

        assertEquals(Reason.LOGIN, recorder.failures.get(0));
    }

    @Test
    @Timeout(20)
    void endlessLoginPageCostsOnePollAsReasonProtocol() throws Exception {
        com.sun.net.httpserver.HttpServer hostile = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        hostile.createContext("/", x -> {
            requests.incrementAndGet();
            x.getResponseHeaders().add("Content-Type", "text/html");
            x.sendResponseHeaders(200, 0); // chunked, no end in sight
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'a');
            try (java.io.OutputStream out = x.getResponseBody()) {
                for (int i = 0; i < 1024; i++) { // 64 MiB at most, far beyond the cap
                    out.write(chunk);
                }
            } catch (java.io.IOException clientGaveUp) {
                // expected: the watcher stops reading at its cap
            }
        });
        hostile.start();
        try {
            start(new WebmailSettings(URI.create("http://localhost:" + hostile.getAddress().getPort() + "/"),
                    WebmailSettings.Driver.ROUNDCUBE, null, new Account(USER, Secret.of(PASSWORD)),
                    TlsPolicy.verified(), TestProvider.FAST, "INBOX", POLL, "agent.test", AGENT));

            await("two failed polls", () -> recorder.failures.size() >= 2);

            assertEquals(List.of(Reason.PROTOCOL, Reason.PROTOCOL), recorder.failures.subList(0, 2));
            assertTrue(requests.get() >= 2, "the watcher goes on polling after a hostile answer");
        } finally {
            watcher.close();
            hostile.stop(0);
        }
    }
}
