package org.mailprobe.agent.reachability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.probes.EndpointKind;
import org.mailprobe.probes.reachability.ReachabilitySettings;
import org.mailprobe.probes.testing.TestProvider;

/** An endpoint whose check passes again is announced, so its watchers can reconnect at once (issue 12). */
class PassingAgainTest {
    @TempDir
    Path stateDir;

    @Test
    @Timeout(60)
    void anEndpointWhoseCheckPassesAgainIsAnnouncedWithItsSettings() throws Exception {
        List<ReachabilitySettings> announced = new CopyOnWriteArrayList<>();
        try (TestProvider provider = new TestProvider();
                Checks checks = new Checks(stateDir, Checks.named(Checks.endpoint("imap", EndpointKind.IMAP,
                        provider.imap(), 0, Duration.ofSeconds(1))), Map.of(), List.of())) {
            checks.reachability.whenPassingAgain(announced::add);
            assertTrue(Checks.await(Duration.ofSeconds(10), () -> "up".equals(checks.state("imap"))));
            provider.stopServers();
            assertTrue(Checks.await(Duration.ofSeconds(10), () -> "down".equals(checks.state("imap"))));
            assertTrue(announced.isEmpty(), "nothing passed again yet: " + announced);

            provider.startOnSamePorts();

            assertTrue(Checks.await(Duration.ofSeconds(10), () -> !announced.isEmpty()), "announced");
            assertEquals(EndpointKind.IMAP, announced.get(0).kind());
            assertEquals(provider.imap(), announced.get(0).endpoint());
        }
    }
}
