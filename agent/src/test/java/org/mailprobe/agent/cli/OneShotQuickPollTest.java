package org.mailprobe.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.probes.testing.TestCa;
import org.mailprobe.probes.testing.TestProvider;

/**
 * A one-shot probe does not wait out a long poll interval (issue 13): its POP3 watcher, configured
 * to poll every minute, still sees the probe within a 20 s timeout, because while a person waits
 * for the answer it looks at least every 250 ms.
 */
@Timeout(120)
class OneShotQuickPollTest {
    @TempDir
    Path dir;

    TestProvider provider;
    final Cli cli = new Cli();

    @BeforeEach
    void start() {
        provider = new TestProvider();
    }

    @AfterEach
    void stop() {
        provider.close();
    }

    @Test
    void aPop3WatchPollingEveryMinuteSeesTheProbeWithinATwentySecondTimeout() throws IOException {
        Path password = Files.writeString(dir.resolve("pw"), TestProvider.PASSWORD + "\n");

        int code = cli.run("probe", "--smtp-host", "localhost", "--smtp-port", Integer.toString(provider.smtp().port()),
                "--smtp-tls", "plain", "--insecure-plain-auth", "--user", TestProvider.USER,
                "--password-file", password.toString(), "--pop3-host", "localhost",
                "--pop3-port", Integer.toString(provider.pop3s().port()), "--ca-file", TestCa.get().caPem().toString(),
                "--poll-interval", "1m", "--timeout", "20s");

        String text = cli.out.toString();
        assertEquals(ExitCodes.OK, code, text + cli.err);
        assertTrue(text.contains("seen by pop3"), text);
    }
}
