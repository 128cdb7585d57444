package org.mailprobe.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CheckConfigCommandTest {
    @TempDir
    Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        CommandLine cl = MailprobeCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
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
