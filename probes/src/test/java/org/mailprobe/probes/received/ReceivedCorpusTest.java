package org.mailprobe.probes.received;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every corpus sample parses to exactly its {@code .expected} hops. The expectation format: a line
 * {@code hop} starts each hop (oldest first), then {@code key: value} lines; a key left out means
 * null. Keys: from, fromAddress, by, via, with, id, for, timestamp (ISO instant), delay (the hop
 * delay, ISO duration). Lines {@code note: TEXT} before the first hop expect a chain note
 * containing TEXT; without them the chain must have no notes.
 */
class ReceivedCorpusTest {
    static List<String> samples() {
        return ReceivedCorpus.names();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void sampleParsesToItsExpectedHopsTimestampsAndDelays(String name) {
        ReceivedChain chain = ReceivedChain.parse(ReceivedCorpus.receivedValues(ReceivedCorpus.text(name + ".txt")));
        Expected expected = Expected.read(ReceivedCorpus.text(name + ".expected"));

        assertEquals(expected.hops.size(), chain.hops().size(), name + ": hops " + chain.hops());
        List<Duration> delays = chain.hopDelays();
        for (int i = 0; i < expected.hops.size(); i++) {
            Map<String, String> want = expected.hops.get(i);
            ReceivedHop hop = chain.hops().get(i);
            String where = name + " hop " + (i + 1) + " " + hop;
            assertEquals(want.get("from"), hop.from(), where);
            assertEquals(want.get("fromAddress"), hop.fromAddress(), where);
            assertEquals(want.get("by"), hop.by(), where);
            assertEquals(want.get("via"), hop.via(), where);
            assertEquals(want.get("with"), hop.with(), where);
            assertEquals(want.get("id"), hop.id(), where);
            assertEquals(want.get("for"), hop.forAddress(), where);
            assertEquals(instant(want.get("timestamp")), hop.timestamp(), where);
            assertEquals(duration(want.get("delay")), delays.get(i), where);
        }
        if (expected.notes.isEmpty()) {
            assertEquals(List.of(), chain.notes(), name);
        }
        for (String note : expected.notes) {
            assertTrue(chain.notes().stream().anyMatch(n -> n.contains(note)), name + ": " + chain.notes());
        }
    }

    @Test
    void everySampleHasExpectationsAndIsDescribedInSources() {
        String sources = ReceivedCorpus.text("SOURCES.md");
        List<String> names = ReceivedCorpus.names();
        assertTrue(names.size() >= 15, names.toString());
        for (String name : names) {
            assertTrue(sources.contains("`" + name + ".txt`"), name + ".txt is not described in SOURCES.md");
            ReceivedCorpus.text(name + ".expected");
        }
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    private static Duration duration(String text) {
        return text == null ? null : Duration.parse(text);
    }

    private record Expected(List<Map<String, String>> hops, List<String> notes) {
        static Expected read(String text) {
            List<Map<String, String>> hops = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                if (line.equals("hop")) {
                    hops.add(new LinkedHashMap<>());
                    continue;
                }
                int colon = line.indexOf(": ");
                String key = line.substring(0, colon);
                String value = line.substring(colon + 2);
                if (key.equals("note")) {
                    notes.add(value);
                } else {
                    hops.get(hops.size() - 1).put(key, value);
                }
            }
            return new Expected(hops, notes);
        }
    }
}
