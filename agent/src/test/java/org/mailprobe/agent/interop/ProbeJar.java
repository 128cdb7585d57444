package org.mailprobe.agent.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mailprobe.probes.testing.Testbed;

/** {@code java -jar mailprobe.jar probe ...} against the testbed, as a process, with its output. */
final class ProbeJar {
    /** Exit code, standard output, and standard error (the log). */
    record Run(int exit, String out, String log) {
        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(out);
        }

        /** The path's entry in the JSON output (imap, pop3). */
        JsonNode path(String name) throws IOException {
            for (JsonNode p : json().get("paths")) {
                if (name.equals(p.get("path").asText())) {
                    return p;
                }
            }
            throw new AssertionError("no path " + name + " in " + out);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + log;
        }
    }

    private ProbeJar() {}

    static Path jar() {
        return Path.of(System.getProperty("mailprobe.jar", "target/mailprobe.jar"));
    }

    /**
     * One probe of testbed user n: submission on 587 (STARTTLS), watched by IMAP on 143 and POP3
     * on 110 (both STARTTLS), the test CA trusted; {@code extra} flags are appended.
     */
    static List<String> loopArgs(Testbed bed, int user, Path passwordFile, String... extra) {
        List<String> args = new ArrayList<>(List.of("probe", "--smtp-host", bed.host(),
                "--smtp-port", bed.get("SUBMISSION_PORT"), "--smtp-tls", "starttls",
                "--user", bed.user(user), "--password-file", passwordFile.toString(),
                "--imap-host", bed.host(), "--imap-port", bed.get("IMAP_PORT"), "--imap-tls", "starttls",
                "--pop3-host", bed.host(), "--pop3-port", bed.get("POP3_PORT"), "--pop3-tls", "starttls",
                "--poll-interval", "1s", "--agent-id", "interop"));
        args.addAll(List.of(extra));
        return args;
    }

    static Run run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar().toString()));
        command.addAll(args);
        Path out = Files.createTempFile("probe-out", ".txt");
        Path err = Files.createTempFile("probe-err", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(150, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("the probe did not finish within 150 s:\n" + Files.readString(err));
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
