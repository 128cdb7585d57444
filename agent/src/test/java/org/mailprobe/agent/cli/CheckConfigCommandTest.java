package org.mailprobe.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void aMissingFileIsAUsageErrorNamingIt() {
        int code = run("check-config", "--config", dir.resolve("nope.yml").toString());

        assertEquals(ExitCodes.USAGE, code);
        assertTrue(err.toString().contains("nope.yml"), err.toString());
    }
}
