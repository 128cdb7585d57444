package org.mailprobe.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailprobe sink}: only a config with a sink of its own is run; anything else says why. */
class SinkCommandTest {
    @TempDir
    Path dir;

    final Cli cli = new Cli();

    Path config(String sinkSection) throws IOException {
        Path key = Files.writeString(dir.resolve("key.secret"), "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return Files.writeString(dir.resolve("sink.yml"),
                "agent: {id: sink-1, site: dmz, key_file: key.secret}\n" + sinkSection);
    }

    @Test
    void aConfigWithoutASinkIsAUsageErrorThatSaysSo() throws IOException {
        Path config = config("reachability: {state_dir: state}\n"
                + "endpoints:\n  smtp: {kind: tcp, host: localhost, port: 25}\n");

        int code = cli.run("sink", "--config", config.toString());

        assertEquals(ExitCodes.USAGE, code);
        assertTrue(cli.err.toString().contains(config + ": sink: is required for the sink command"),
                cli.err.toString());
    }

    @Test
    void aRemoteSinkCannotBeRunHere() throws IOException {
        Path config = config("sink: {remote: 'https://sink.example.net:9321', domains: [sink.example.net]}\n");

        int code = cli.run("sink", "--config", config.toString());

        assertEquals(ExitCodes.USAGE, code);
        assertTrue(cli.err.toString().contains("sink.remote: the sink command runs a sink itself"), cli.err.toString());
    }
}
