package org.mailprobe.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.agent.journal.Journal;
import org.mailprobe.agent.journal.JournalVerifier;
import org.mailprobe.agent.journal.Segments;
import org.mailprobe.agent.runtime.ConfigFiles;
import org.mailprobe.probes.testing.TestProvider;

/**
 * A real agent killed with SIGKILL while it writes its journal: the chain still verifies, a torn
 * last line (what a power cut leaves; a killed process's whole-line writes cannot tear) is cut at
 * the next start with a note quoting it, the unclean stop is noted, and the probes in flight at the
 * kill are measured after the restart instead of counted lost.
 */
@Timeout(180)
class JournalKillIT {
    @TempDir
    Path dir;

    @Test
    void aKilledAgentsJournalRecoversAsPromised() throws Exception {
        try (TestProvider provider = new TestProvider()) {
            Path config = ConfigFiles.write(dir, provider);
            Files.writeString(config, "journal:\n  dir: journal\n", StandardOpenOption.APPEND);
            Path journal = dir.resolve("journal");

            Process first = start(config, "first");
            waitFor(() -> count(journal, "probe") >= 5 && count(journal, "submitted") > count(journal, "probe"), 60);
            first.toHandle().destroyForcibly(); // SIGKILL, mid-writing
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            long killedAt = lastSeq(journal);
            JournalVerifier.Result afterKill = JournalVerifier.verify(journal);
            assertTrue(afterKill.ok(), afterKill.problem());

            Set<String> inFlight = unfinished(journal);
            Path active = Segments.list(journal).get(Segments.list(journal).size() - 1).file();
            String torn = "{\"seq\":" + (killedAt + 1) + ",\"time\":\"2099-01-01T00:00:00Z\",\"type\":\"probe\",\"ro";
            Files.writeString(active, torn, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            assertTrue(JournalVerifier.verify(journal).ok(), "a torn last line is not tampering");

            Process second = start(config, "second");
            try {
                waitFor(() -> finishedAfter(journal, killedAt).containsAll(inFlight) && count(journal, "probe") > 8,
                        60);
            } finally {
                second.toHandle().destroy();
                assertTrue(second.waitFor(30, TimeUnit.SECONDS));
            }
            JournalVerifier.Result end = JournalVerifier.verify(journal);
            assertTrue(end.ok(), end.problem());
            List<JsonNode> notes = records(journal, "note");
            assertEquals("unclean_stop", notes.get(0).path("note").asText(), notes.toString());
            assertEquals(killedAt, notes.get(0).path("last_seq").asLong());
            assertEquals("torn_tail", notes.get(1).path("note").asText());
            assertEquals(torn, notes.get(1).path("cut_text").asText());
            for (JsonNode p : records(journal, "probe")) {
                if (inFlight.contains(p.path("probe").asText())) {
                    assertEquals("success", p.path("outcome").asText(), "measured after the restart, not lost: " + p);
                    assertTrue(p.path("resumed_after_restart").asBoolean(), p.toString());
                }
            }
        }
    }

    private Process start(Path config, String name) throws IOException {
        Path jar = Path.of(System.getProperty("mailprobe.jar", "target/mailprobe.jar"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-jar", jar.toString(), "run", "--config", config.toString(),
                "--web.listen-address", "127.0.0.1:0").redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    interface Check {
        boolean ok() throws IOException;
    }

    private static void waitFor(Check check, int seconds) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!check.ok()) {
            assertTrue(System.nanoTime() < until, "not reached within " + seconds + " s");
            Thread.sleep(100);
        }
    }

    private static List<JsonNode> records(Path journal, String type) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (Files.isDirectory(journal)) {
            Journal.read(journal, l -> {
                if (l.record().path("type").asText().equals(type)) {
                    out.add(l.record());
                }
            });
        }
        return out;
    }

    private static long count(Path journal, String type) throws IOException {
        return records(journal, type).size();
    }

    private static long lastSeq(Path journal) throws IOException {
        long[] last = {0};
        Journal.read(journal, l -> last[0] = l.record().path("seq").asLong());
        return last[0];
    }

    private static Set<String> unfinished(Path journal) throws IOException {
        Set<String> keys = new HashSet<>();
        records(journal, "submitted").forEach(r -> keys.add(r.path("probe").asText()));
        records(journal, "probe").forEach(r -> keys.remove(r.path("probe").asText()));
        return keys;
    }

    private static Set<String> finishedAfter(Path journal, long seq) throws IOException {
        Set<String> keys = new HashSet<>();
        for (JsonNode r : records(journal, "probe")) {
            if (r.path("seq").asLong() > seq) {
                keys.add(r.path("probe").asText());
            }
        }
        return keys;
    }
}
