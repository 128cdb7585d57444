package org.mailprobe.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.runtime.ConfigFiles;
import org.mailprobe.probes.testing.TestProvider;

@Timeout(120)
class ConfigFileCommandsTest {
    @TempDir
    Path dir;

    TestProvider provider;
    final Cli cli = new Cli();
    final StringWriter out = cli.out;
    final StringWriter err = cli.err;

    @BeforeEach
    void start() {
        provider = new TestProvider();
    }

    @AfterEach
    void stop() {
        provider.close();
    }

    int run(String... args) {
        return cli.run(args);
    }

    @Test
    void checkConfigAcceptsAValidFileAndSaysWhatItFound() throws IOException {
        Path config = ConfigFiles.write(dir, provider);

        assertEquals(ExitCodes.OK, run("check-config", "--config", config.toString()), err.toString());
        assertTrue(out.toString().contains("valid: agent it-agent at site it-site, 3 servers, 1 accounts, 1 routes"),
                out.toString());
    }

    @Test
    void checkConfigAcceptsTheShippedExample() throws IOException {
        Path example = Path.of("..", "deploy", "config", "mailprobe.example.yml");
        Files.copy(example, dir.resolve("mailprobe.yml"));
        Files.writeString(dir.resolve("key.secret"), "0123456789abcdef0123456789abcdef\n");
        Files.writeString(dir.resolve("alice.pw"), "alice-password\n");
        // bob's password comes from MAILPROBE_BOB_PASSWORD, which the test cannot set: expect exactly that.
        int code = run("check-config", "--config", dir.resolve("mailprobe.yml").toString());

        String expected = "accounts.bob.password_env: environment variable MAILPROBE_BOB_PASSWORD";
        if (System.getenv("MAILPROBE_BOB_PASSWORD") == null) {
            assertEquals(ExitCodes.USAGE, code);
            assertTrue(err.toString().contains(expected), err.toString());
            assertEquals(1, err.toString().strip().lines().count(), "only that problem: " + err);
        } else {
            assertEquals(ExitCodes.OK, code, err.toString());
        }
    }

    @Test
    void probeRunsOneRouteOfAConfigFile() throws IOException {
        Path config = ConfigFiles.write(dir, provider);

        int code = run("probe", "--config", config.toString(), "--route", "loop-greenmail", "--output", "nagios");

        assertEquals(ExitCodes.NAGIOS_OK, code, out + "" + err);
        assertTrue(out.toString().startsWith("MAILPROBE OK - route loop-greenmail delivered: imap "), out.toString());
    }

    @Test
    void probeOfAnUnknownRouteNamesTheRoutesThereAre() throws IOException {
        Path config = ConfigFiles.write(dir, provider);

        assertEquals(ExitCodes.USAGE, run("probe", "--config", config.toString(), "--route", "nope"));
        assertTrue(err.toString().contains("no route named 'nope'; routes: loop-greenmail"), err.toString());
    }
}
