package org.mailprobe.probes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.testing.CommandCountingProxy;
import org.mailprobe.probes.testing.CommandCountingProxy.Line;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;

/**
 * What an IMAP watcher costs the provider (issue 13): between probes only the IDLE refresh; while
 * a probe is expected, and just after mail arrived, quick looks; and a message the server never
 * announces ({@link UnannouncedArrival}) is still found by them. GreenMail behind a
 * {@link CommandCountingProxy} that counts the watcher's commands.
 */
class ImapWatcherLoadTest {
    /** Short, so that a whole refresh cycle fits in a test. */
    static final Duration REFRESH = Duration.ofSeconds(2);

    TestProvider provider;
    CommandCountingProxy proxy;
    ImapArrivalWatcher watcher;
    final Watching.Recorder recorder = new Watching.Recorder();

    @BeforeEach
    void startProvider() throws Exception {
        provider = new TestProvider();
        proxy = new CommandCountingProxy(provider.imap());
    }

    @AfterEach
    void stop() throws Exception {
        if (watcher != null) {
            watcher.close();
        }
        proxy.close();
        provider.close();
    }

    private void startWatcher(Duration refresh) throws Exception {
        startWatcher(refresh, List.of());
    }

    private void startWatcher(Duration refresh, List<String> otherFolders) throws Exception {
        watcher = new ImapArrivalWatcher(new WatchSettings(proxy.endpoint(), provider.account(),
                TestProvider.trusted(), TestProvider.FAST, "INBOX", Duration.ofMillis(200), refresh, true,
                "agent.test", Watching.AGENT, true, otherFolders, List.of()), Watching.SIGNER, recorder,
                ProbeClock.system());
        watcher.start();
        awaitIdles(1);
    }

    private List<Line> idles() {
        return proxy.clientLines().stream().filter(l -> l.text().endsWith(" IDLE")).toList();
    }

    private void awaitIdles(int n) throws Exception {
        Watching.await(n + " IDLE commands", () -> idles().size() >= n);
    }

    /**
     * Issue 13's test: nothing expected, nothing arriving, and the watcher sends the provider nothing
     * until the refresh is due; then exactly one refresh (DONE, the UID FETCH of anything new, IDLE).
     * The watcher used to end its IDLE every 250 ms (DONE, UID FETCH, IDLE: about 12 commands a second).
     */
    @Test
    @Timeout(30)
    void idleWatcherSendsNoCommandBetweenIdleRefreshes() throws Exception {
        startWatcher(REFRESH);

        assertNextCycleIsOneRefresh(idles().size());
        assertTrue(watcher.healthy());
    }

    /**
     * Waits for the IDLE after IDLE number {@code n} (counted from 1) and asserts that between
     * them the watcher sent only one refresh, and only once the refresh was due.
     */
    private void assertNextCycleIsOneRefresh(int n) throws Exception {
        assertNextCycleIsOneRefresh(n, 1);
    }

    /**
     * Issue 14: a watch of INBOX and Junk between probes sends, per refresh, one UID FETCH per
     * folder (the second on its own connection) and nothing else.
     */
    @Test
    @Timeout(30)
    void idleWatcherOfTwoFoldersSendsOneFetchPerFolderAtEachRefreshAndNothingBetween() throws Exception {
        var user = provider.greenMail().getUserManager().getUser(org.mailprobe.probes.testing.TestProvider.USER);
        provider.greenMail().getManagers().getImapHostManager().createMailbox(user, "Junk");
        startWatcher(REFRESH, List.of("Junk"));

        assertNextCycleIsOneRefresh(idles().size(), 2);
        assertTrue(watcher.healthy());
    }

    private void assertNextCycleIsOneRefresh(int n, int folders) throws Exception {
        Line last = idles().get(n - 1);
        awaitIdles(n + 1);
        Line next = idles().get(n);
        List<Line> lines = proxy.clientLines();
        List<Line> between = lines.subList(lines.indexOf(last) + 1, lines.indexOf(next) + 1);
        List<String> commands = between.stream().map(Line::text).toList();
        assertEquals(2 + folders, commands.size(), "one refresh between two IDLEs: " + commands);
        assertEquals("DONE", commands.get(0));
        for (int i = 1; i <= folders; i++) {
            assertTrue(commands.get(i).contains("UID FETCH"), commands.toString());
        }
        long idleMillis = TimeUnit.NANOSECONDS.toMillis(between.get(0).nanos() - last.nanos());
        // The watcher's refresh runs from when it wrote IDLE; the proxy stamps the line when it has
        // read it, a little later on a loaded machine (one run saw 1,998 ms of 2,000). An IDLE ended
        // by anything but its refresh (the old 250 ms recheck: after 90 ms) is far below this bound.
        assertTrue(idleMillis >= REFRESH.toMillis() * 9 / 10, "the IDLE was ended after " + idleMillis
                + " ms, before its refresh of " + REFRESH.toMillis() + " ms");
    }

    /**
     * GreenMail's race: the probe is stored while the IDLE after a foreign message's arrival starts,
     * and never announced during that IDLE. Nothing is expected, yet the look that follows an
     * arrival finds it long before the refresh (60 s here). With IDLE alone between probes (the
     * attempt reverted before issue 13's work) it waited for the refresh.
     */
    @Test
    @Timeout(30)
    void messageStoredAsTheIdleAfterAnArrivalStartsIsFoundWithoutItsAnnouncement() throws Exception {
        startWatcher(Duration.ofSeconds(60));
        ProbeToken token = Watching.token(Watching.AGENT);
        CountDownLatch stored = UnannouncedArrival.onNextIdle(proxy, provider, token);

        Watching.sendWithHeader(provider, "a user's mail", null); // ends the IDLE; the next one loses the probe
        assertTrue(stored.await(10, TimeUnit.SECONDS), "the probe was stored in the IDLE's gap");

        recorder.awaitArrival(token);
    }

    /**
     * The same race while a probe is expected: the quick look after the IDLE start finds it.
     */
    @Test
    @Timeout(30)
    void expectedProbeStoredAsAnIdleStartsIsFoundWithoutItsAnnouncement() throws Exception {
        startWatcher(Duration.ofSeconds(60));
        ProbeToken token = Watching.token(Watching.AGENT);
        CountDownLatch stored = UnannouncedArrival.onNextIdle(proxy, provider, token);

        watcher.expectArrival(Instant.now().plus(Duration.ofMinutes(1)));
        assertTrue(stored.await(10, TimeUnit.SECONDS), "the probe was stored in the IDLE's gap");

        recorder.awaitArrival(token);
    }

    /**
     * Once a probe is seen and no longer expected, the looks end with the short settling after its
     * arrival ({@link LookSchedule#SETTLE_FOR}): then only the refresh again.
     */
    @Test
    @Timeout(30)
    void looksStopOnceTheProbeIsSeenAndNoLongerExpected() throws Exception {
        startWatcher(REFRESH);
        watcher.expectArrival(Instant.now().plus(Duration.ofMinutes(1)));
        Watching.Delivery d = Watching.sendProbe(provider, Watching.AGENT);
        recorder.awaitArrival(d.token());
        watcher.expectArrival(Instant.EPOCH);
        long settled = System.nanoTime() + LookSchedule.SETTLE_FOR.toNanos();
        Watching.await("an IDLE begun after the settling looks", Duration.ofSeconds(10),
                () -> idles().get(idles().size() - 1).nanos() - settled > 0);

        assertNextCycleIsOneRefresh(idles().size());
    }
}
