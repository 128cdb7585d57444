package org.mailprobe.agent.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The streaming pass reads a line's fields as the report always read them from the line's JSON tree. */
@Timeout(30)
class RecordFieldsTest {
    static final String PROBE = "{\"seq\":7,\"time\":\"2025-06-01T09:00:02.100Z\",\"type\":\"probe\",\"agent\":\"a-1\","
            + "\"site\":\"s-1\",\"probe\":\"a-1/loop-x/1\",\"route\":\"loop-x\",\"leg\":\"loop\",\"account\":\"x\","
            + "\"to\":\"x@p.test\",\"outcome\":\"success\",\"reason\":\"none\",\"started\":\"2025-06-01T08:59:59.750Z\","
            + "\"accepted\":\"2025-06-01T09:00:00Z\",\"paths\":[{\"path\":\"imap\",\"mailbox\":\"x@p.test:993/INBOX\","
            + "\"seen_at\":\"2025-06-01T09:00:00.800Z\",\"delay_ms\":800,\"received\":[\"from mx by p; \u00e9t\u00e9\"]},"
            + "{\"path\":\"pop3\",\"lost\":true},{\"path\":\"ext\",\"leg\":\"send\",\"delay_ms\":null}],"
            + "\"from_account\":null,\"prev\":\"" + "ab".repeat(32) + "\"}";

    /** Every field, as the tree gives it: what must not differ between the two ways. */
    static String describe(RecordFields f) {
        if (f.invalid() != null) {
            return "not JSON";
        }
        return String.join("|", String.valueOf(f.record()), String.valueOf(f.seq()), f.prev(), f.type(), f.time(),
                f.agent(), f.site(), f.probe(), f.route(), f.leg(), f.account(), f.fromAccount(), f.outcome(),
                f.started(), f.accepted(), f.deadline(), f.paths().toString());
    }

    static RecordFields tree(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return RecordFields.fromTree(b, 0, b.length);
    }

    static RecordFields streamed(String line) {
        return RecordFields.of(line.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aProbeRecordIsReadWithoutATreeAndAsTheTreeReadsIt() {
        RecordFields f = streamed(PROBE);

        assertNull(f.tree(), "read by the streaming pass");
        assertEquals(describe(tree(PROBE)), describe(f));
        assertEquals(3, f.paths().size());
    }

    @Test
    void aRepeatedKeyIsReadAsTheTreeReadsIt() {
        String line = PROBE.replace("\"leg\":\"loop\"", "\"leg\":\"loop\",\"leg\":\"send\"");
        RecordFields f = streamed(line);

        assertNotNull(f.tree(), "left to the tree");
        assertEquals("send", f.leg());
        assertEquals(describe(tree(line)), describe(f));
    }

    @Test
    void valuesOfUnusualTypesAreConvertedAsTheTreeConvertsThem() {
        String line = PROBE.replace("\"account\":\"x\"", "\"account\":5").replace("\"delay_ms\":800", "\"delay_ms\":\"12\"")
                .replace("\"lost\":true", "\"lost\":1");
        RecordFields f = streamed(line);

        assertEquals("5", f.account());
        assertEquals(12, f.paths().get(0).delayMs());
        assertEquals(describe(tree(line)), describe(f));
    }

    @Test
    void aLineThatIsNotJsonIsNoRecordAndSaysWhy() {
        RecordFields f = streamed("{\"seq\":1,\"prev\":\"x\"");

        assertFalse(f.record());
        assertNotNull(f.invalid());
    }

    static final List<String> MIXED = List.of(PROBE, "{\"seq\":8,\"time\":\"t\",\"type\":\"state\",\"prev\":\"p\"}",
            "", "\u0000\u0000", PROBE.replace("\"seq\":7", "\"seq\":9"), PROBE + " trailing", " " + PROBE, "[1,2]",
            "{\"seq\":1e3,\"prev\":\"p\",\"time\":\"t\",\"type\":\"probe\"}", "{\"seq\":10,\"prev\":\"p\"",
            PROBE.replace("\"seq\":7", "\"seq\":11"), "{\"not\":\"a record\"}",
            PROBE.replace("\"type\":\"probe\"", "\"type\":\"probe\",\"prev\":\"x\""), PROBE);

    /** Reads {@code lines} as one chunk. */
    static RecordFields[] together(List<String> lines, boolean chainOnly) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int[] start = new int[lines.size()];
        int[] end = new int[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            byte[] b = lines.get(i).getBytes(StandardCharsets.UTF_8);
            start[i] = all.size();
            all.writeBytes(b);
            end[i] = all.size();
            all.write('\n');
        }
        RecordFields[] out = new RecordFields[lines.size()];
        RecordFields.read(all.toByteArray(), start, end, lines.size(), out, chainOnly);
        return out;
    }

    @Test
    void linesReadTogetherAreReadAsEachAlone() {
        RecordFields[] out = together(MIXED, false);

        List<String> together = new ArrayList<>();
        List<String> alone = new ArrayList<>();
        for (int i = 0; i < MIXED.size(); i++) {
            together.add(describe(out[i]));
            alone.add(describe(tree(MIXED.get(i))));
        }
        assertEquals(alone, together);
    }

    @Test
    void readingOnlyForTheChainGivesTheChainsFieldsAsTheTreeDoes() {
        RecordFields[] out = together(MIXED, true);

        List<String> together = new ArrayList<>();
        List<String> alone = new ArrayList<>();
        for (int i = 0; i < MIXED.size(); i++) {
            together.add(out[i].record() + "|" + out[i].seq() + "|" + out[i].prev() + "|" + out[i].type());
            RecordFields t = tree(MIXED.get(i));
            alone.add(t.record() + "|" + t.seq() + "|" + t.prev() + "|" + t.type());
        }
        assertEquals(alone, together);
    }
}
