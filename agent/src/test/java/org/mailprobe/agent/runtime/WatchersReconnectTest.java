package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.EndpointKind;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.testing.TestProvider;

/** A server whose reachability check passes again gets its watchers reconnected at once (issue 12). */
class WatchersReconnectTest {
    /** Connect, login and first look on a loaded test machine; far below the idle back-off of several seconds. */
    static final Duration CONNECT_ALLOWANCE = Duration.ofMillis(1500);

    final TestProvider provider = new TestProvider();
    final Map<AccessPath, AtomicInteger> failures = new ConcurrentHashMap<>();
    final ArrivalListener listener = new ArrivalListener() {
        @Override
        public boolean onArrival(Arrival arrival) {
            return false;
        }

        @Override
        public void onWatchFailure(AccessPath path, String mailbox, Reason reason) {
            failures.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        }
    };
    Watchers watchers;

    @AfterEach
    void stop() {
        if (watchers != null) {
            watchers.close();
        }
        provider.close();
    }

    static void await(String what, Duration within, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                fail("gave up waiting after " + within.toMillis() + " ms for: " + what);
            }
            Thread.sleep(20);
        }
    }

    ArrivalWatcher watcher(AccessPath path) {
        return watchers.all().stream().filter(w -> w.path() == path).findFirst().orElseThrow();
    }

    @Test
    @Timeout(90)
    void theImapServerPassingAgainReconnectsItsWatcherAtOnce() throws Exception {
        AgentConfig config = TestConfigs.loop(provider, provider.account(), provider.smtp(), Duration.ofMinutes(1),
                AccessPath.IMAP);
        watchers = new Watchers(config.routes(), "test-agent", "probe.test", config.agent().signer(), listener, WatcherEvents.NONE, ProbeClock.system());
        watchers.start();
        ArrivalWatcher imap = watcher(AccessPath.IMAP);
        await("the watcher to connect", Duration.ofSeconds(10), imap::healthy);
        provider.stopServers();
        // Nothing in flight: after five failures in a row the watcher waits several seconds.
        await("five failures", Duration.ofSeconds(40),
                () -> failures.getOrDefault(AccessPath.IMAP, new AtomicInteger()).get() >= 5);
        provider.startOnSamePorts();
        Instant back = ProbeClock.system().now();

        int told = watchers.reconnect(EndpointKind.IMAP, provider.imap());

        assertEquals(1, told);
        await("the watcher to reconnect", Duration.ofSeconds(30), imap::healthy);
        Duration gap = Duration.between(back, ProbeClock.system().now());
        assertTrue(gap.compareTo(CONNECT_ALLOWANCE) <= 0, "reconnected " + gap.toMillis() + " ms after being told");
    }

    @Test
    @Timeout(10)
    void endpointsMatchWatchersByHostPortAndProtocol() {
        AgentConfig config = TestConfigs.loop(provider, provider.account(), provider.smtp(), Duration.ofMinutes(1),
                AccessPath.IMAP, AccessPath.POP3);
        List<WatchConfig> watches = config.routes().get(0).watches();
        WatchConfig imap = watches.get(0);
        WatchConfig pop3 = watches.get(1);
        ServerEndpoint imapAt = provider.imap();
        ServerEndpoint upperCase = new ServerEndpoint(imapAt.host().toUpperCase(java.util.Locale.ROOT),
                imapAt.port(), TlsMode.IMPLICIT);

        assertTrue(Watchers.serves(imap, EndpointKind.IMAP, imapAt));
        assertTrue(Watchers.serves(imap, EndpointKind.IMAP, upperCase), "host names are case-insensitive");
        assertTrue(Watchers.serves(imap, EndpointKind.TCP, imapAt), "a TCP check of the same port");
        assertTrue(!Watchers.serves(pop3, EndpointKind.IMAP, imapAt), "another protocol");
        assertTrue(!Watchers.serves(imap, EndpointKind.POP3, imapAt), "another kind of check");
        assertTrue(!Watchers.serves(imap, EndpointKind.IMAP, provider.imaps()), "another port");
        assertTrue(Watchers.serves(pop3, EndpointKind.POP3, provider.pop3()));
    }
}
