package org.mailprobe.agent.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.ConfigLoader;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.testing.TestCa;

/** The incident replay benchmark cannot run here (it needs the testbed to itself); its config must at least load. */
class IncidentReplayConfigTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(90) // the test CA is made by keytool once per JVM: slow on a loaded machine
    void theReplaysConfigLoadsWithOneReceiveRouteAndBothEndpoints() throws Exception {
        Path key = dir.resolve("key.secret");
        Files.writeString(key, "incident-replay-key-0123456789abcdef\n", StandardCharsets.US_ASCII);
        Path password = dir.resolve("probe.password");
        Files.writeString(password, "secret\n", StandardCharsets.US_ASCII);
        Path file = dir.resolve("mailprobe.yml");
        Files.writeString(file, IncidentReplayBenchmark.config("localhost", 25, 993, 995, TestCa.get().caPem(),
                "probe2@mailprobe.test", password, key, dir), StandardCharsets.UTF_8);

        AgentConfig config = ConfigLoader.load(file, ProbeClock.system());

        assertEquals(1, config.routes().size());
        assertEquals("receive", config.routes().get(0).leg().label());
        assertEquals(2, config.routes().get(0).watches().size());
        assertEquals(2, config.reachability().endpoints().size());
    }
}
