package org.mailprobe.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckConfigCommandTest {
    @TempDir
    Path dir;

    final Cli cli = new Cli();
    final StringWriter out = cli.out;
    final StringWriter err = cli.err;

    int run(String... args) {
        return cli.run(args);
    }

    @Test
    void aBadConfigNamesTheFileTheKeyAndWhatIsWrong() throws IOException {
        Path config = Files.writeString(dir.resolve("bad.yml"), "agent:\n  id: ok-id\n  site: hq\n  key_fil: k\n");

        int code = run("check-config", "--config", config.toString());

        assertEquals(ExitCodes.USAGE, code);
        assertTrue(err.toString().contains(config + ": agent.key_fil:"), err.toString());
    }

    Path config(String routeExtra) throws IOException {
        Files.writeString(dir.resolve("key.secret"), "0123456789abcdef0123456789abcdef\n");
        Files.writeString(dir.resolve("a.pw"), "secret-a\n");
        return Files.writeString(dir.resolve("agent.yml"), String.join("\n",
                "agent:", "  id: hq-probe-1", "  site: hq", "  key_file: key.secret",
                "servers:", "  smtp:", "    protocol: smtp", "    host: smtp.example.com",
                "  imap:", "    protocol: imap", "    host: imap.example.com",
                "accounts:", "  alice:", "    address: alice@example.com", "    password_file: a.pw",
                "routes:", "  - name: loop-alice", "    kind: loop", "    from: alice", "    submit_via: smtp",
                "    to: alice", routeExtra, "    watch:", "      - path: imap", "        server: imap", ""));
    }

    @Test
    void aRouteTimeoutUnderTheContractsHourIsWarnedAboutWithFileAndKey() throws IOException {
        Path file = config("    timeout: 2m");

        int code = run("check-config", "--config", file.toString());

        assertEquals(ExitCodes.OK, code, out + "" + err);
        assertTrue(out.toString().contains("WARNING: " + file + ": routes[0].timeout: 2m (route loop-alice) is under "
                + "the contract's one hour"), out.toString());
    }

    @Test
    void theDefaultTimeoutOfOneHourIsNotWarnedAbout() throws IOException {
        int code = run("check-config", "--config", config("    interval: 1m").toString());

        assertEquals(ExitCodes.OK, code, out + "" + err);
        assertFalse(out.toString().contains("WARNING"), out.toString());
    }

    @Test
    void aMissingFileIsAUsageErrorNamingIt() {
        int code = run("check-config", "--config", dir.resolve("nope.yml").toString());

        assertEquals(ExitCodes.USAGE, code);
        assertTrue(err.toString().contains("nope.yml"), err.toString());
    }
}
