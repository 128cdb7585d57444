package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.EndpointConfig;
import org.mailprobe.agent.config.ReachabilityConfig;
import org.mailprobe.agent.config.ServiceConfig;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.EndpointKind;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.reachability.ReachabilitySettings;
import org.mailprobe.probes.testing.TestProvider;

/**
 * The agent wires reachability to its watchers (issue 12): when the check of a watched IMAP server
 * passes again, the watcher reconnects then, not at the end of its back-off.
 */
class AgentReconnectTest {
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    /** Check, connect and login on a loaded test machine; far below the several seconds of back-off. */
    static final Duration ALLOWANCE = Duration.ofMillis(1500);

    @TempDir
    Path stateDir;

    final TestProvider provider = new TestProvider();
    Agent agent;

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        provider.close();
    }

    double watcherFailures() {
        return agent.registry().find("mailprobe.watcher.failures").counters().stream().mapToDouble(Counter::count)
                .sum();
    }

    static void await(String what, Duration within, java.util.function.BooleanSupplier done) throws Exception {
        long end = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("gave up waiting after " + within.toMillis() + " ms for: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    @Timeout(120)
    void theWatcherOfAServerWhoseCheckPassesAgainReconnectsThen() throws Exception {
        AgentConfig loop = TestConfigs.loop(provider, provider.account(), provider.smtp(), Duration.ofHours(1),
                AccessPath.IMAP);
        ReachabilitySettings check = new ReachabilitySettings(EndpointKind.IMAP, provider.imap(),
                TestProvider.trusted(), TestProvider.FAST, null, "/", Set.of(200), "probe.test");
        EndpointConfig imap = new EndpointConfig("imap", check, CHECK_INTERVAL, CHECK_INTERVAL, 0, true);
        ReachabilityConfig reachability = new ReachabilityConfig(stateDir, 4, Map.of("imap", imap),
                Map.of("mail", new ServiceConfig("mail", List.of("imap"), ServiceConfig.DownWhen.ANY)), Map.of(),
                List.of(), null);
        agent = new Agent(new AgentConfig(null, loop.agent(), loop.servers(), loop.accounts(), loop.routes(),
                reachability), new InetSocketAddress("127.0.0.1", 0), outcome -> { }, ProbeClock.system());
        agent.start();
        ArrivalWatcher watcher = agent.watchers().all().get(0);
        await("the watcher to connect", Duration.ofSeconds(20), watcher::healthy);
        provider.stopServers();
        // Nothing in flight: after five failures in a row the watcher waits six seconds or more.
        await("five watcher failures", Duration.ofSeconds(40), () -> watcherFailures() >= 5);
        provider.startOnSamePorts();
        Instant back = ProbeClock.system().now();

        await("the watcher to reconnect", Duration.ofSeconds(40), watcher::healthy);

        Duration gap = Duration.between(back, ProbeClock.system().now());
        assertTrue(gap.compareTo(CHECK_INTERVAL.plus(ALLOWANCE)) <= 0,
                "reconnected " + gap.toMillis() + " ms after the server's return");
    }
}
