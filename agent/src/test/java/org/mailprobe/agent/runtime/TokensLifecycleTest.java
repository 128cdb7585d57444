package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.config.AccountTokens;
import org.mailprobe.agent.config.AgentConfig;
import org.mailprobe.agent.config.ConfigLoader;
import org.mailprobe.agent.web.WebConfig;
import org.mailprobe.probes.ProbeClock;

/**
 * An account's OAuth 2.0 tokens live as long as the config they belong to (issue 16): a reload
 * closes the tokens of the config it read (only its maintenance windows are applied), the running
 * config's stay open, and the agent's stop closes those too.
 */
@Timeout(60)
class TokensLifecycleTest {
    @TempDir
    Path dir;

    @Test
    void reloadClosesTheConfigItReadAndStopClosesTheRunningOne() throws Exception {
        try (ServerSocket listening = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Path file = writeConfig(listening.getLocalPort());
            AgentConfig running = ConfigLoader.load(file, ProbeClock.system());
            List<AgentConfig> reloaded = new ArrayList<>();
            Agent agent = new Agent(running, new InetSocketAddress("127.0.0.1", 0), WebConfig.NONE, o -> { }, ProbeClock.system());
            try {
                agent.reloadFrom(source -> {
                    AgentConfig fresh = ConfigLoader.load(source, ProbeClock.system());
                    reloaded.add(fresh);
                    return fresh;
                });
                agent.start();

                agent.reload();

                assertEquals(1, reloaded.size());
                AccountTokens old = tokens(running);
                AccountTokens fresh = tokens(reloaded.get(0));
                assertNotSame(old, fresh);
                assertTrue(fresh.isClosed(), "the reloaded config's tokens are never used");
                assertFalse(old.isClosed(), "the running config's tokens stay in use");
            } finally {
                agent.close();
            }
            assertTrue(tokens(running).isClosed(), "stop closes the running config's tokens");
        }
    }

    private static AccountTokens tokens(AgentConfig config) {
        return config.accounts().get("m365").tokens().orElseThrow();
    }

    private Path writeConfig(int port) throws Exception {
        Files.write(dir.resolve("key.secret"), TestConfigs.KEY);
        Files.writeString(dir.resolve("token"), "bearer-token\n", StandardCharsets.UTF_8);
        String yaml = String.join("\n",
                "agent: {id: it-agent, site: it-site, key_file: key.secret, hostname: probe.test}",
                "reachability: {state_dir: state}",
                "endpoints:",
                "  loopback: {kind: tcp, host: 127.0.0.1, port: " + port + ", interval: 1h}",
                "accounts:",
                "  m365:",
                "    address: probe@contoso.com",
                "    oauth2: {grant: token_file, token_file: token}",
                "");
        return Files.writeString(dir.resolve("mailprobe.yml"), yaml, StandardCharsets.UTF_8);
    }
}
