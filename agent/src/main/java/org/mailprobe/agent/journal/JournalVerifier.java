package org.mailprobe.agent.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.journal.Segments.Segment;

/**
 * Checks a journal's chain end to end and finds the first break: a line that is not a record, a
 * seq out of order (a record removed, inserted or moved), a {@code prev} that is not the hash of the
 * line before (a record edited), a segment whose header names another predecessor than the one on
 * disk (a segment removed), or a start that is neither the genesis nor a segment removed by
 * retention. A torn last line (the agent stopped mid-write) is reported but is not a break: the
 * agent cuts it, with a note, when it next starts.
 *
 * <p>What a chain cannot show by itself: the last records, or the last segments, removed
 * together, or the whole journal rewritten with fresh hashes. Against those, keep the head hash
 * the report prints (e.g. send it to the provider with each monthly report).
 */
public final class JournalVerifier {
    private JournalVerifier() {}

    /**
     * @param ok true if the chain is whole
     * @param segments how many segments were read
     * @param records how many records were checked
     * @param headSeq the last record's seq
     * @param headHash the last record's hash: publish it to anchor the chain
     * @param problem the first break, a sentence naming segment and line; null if ok
     * @param breakSegment the segment of the first break; null if ok
     * @param breakLine the line of the first break (1-based); 0 if ok
     * @param notes what is not a break but worth saying (a torn tail, segments removed by retention)
     */
    public record Result(boolean ok, int segments, long records, long headSeq, @Nullable String headHash, @Nullable String problem,
            @Nullable String breakSegment, long breakLine, List<String> notes) {}

    public static Result verify(Path dir) throws IOException {
        Check check = new Check(dir, Segments.list(dir));
        JournalScan.scan(check.all, true, new JournalScan.Handler() {
            @Override
            public void segment(int index, Segment s) {
                check.segment(index);
            }

            @Override
            public boolean line(JournalScan.Line line) {
                return check.line(line);
            }
        });
        return check.result();
    }

    /**
     * The chain check fed line by line in order ({@link JournalScan}), so that the report checks the
     * chain in the same pass that reads its figures: {@link #line} returns false at the first break.
     */
    public static final class Check {
        private final Path dir;
        private final List<Segment> all;
        private final List<String> notes = new ArrayList<>();
        private final Map<String, Long> anchors = new HashMap<>();
        private @Nullable String firstPrev;
        private long firstSeq;
        private @Nullable String expectedPrev;
        private long expectedSeq = -1;
        private long records;
        private @Nullable String previousName;
        private @Nullable String previousWhere;
        private @Nullable String garbageAt;
        private long garbageLine;
        private int garbageLines;
        private int index = -1;
        private boolean tornSeen;
        private @Nullable Result broken;

        /** @param all the journal's segments, as {@link Segments#list} gives them */
        public Check(Path dir, List<Segment> all) {
            this.dir = dir;
            this.all = all;
        }

        /** Segment {@code i} of the list begins. */
        public void segment(int i) {
            if (index >= 0) {
                previousName = all.get(index).name();
            }
            index = i;
            tornSeen = false;
        }

        /** Checks the next line; false once the chain is broken (the result says where). */
        public boolean line(JournalScan.Line l) {
            if (broken != null) {
                return false;
            }
            if (tornSeen) {
                return true; // the sequential reader stopped at a torn line; nothing follows one anyway
            }
            Segment s = all.get(index);
            int i = index;
            long n = l.number();
            String where = "segment " + s.name() + ", line " + n;
            if (!l.terminated()) {
                if (i == all.size() - 1) {
                    notes.add(where + ": torn last record (" + l.length() + " bytes without a newline: the "
                            + "agent stopped mid-write); not tampering, the agent cuts it with a note when it "
                            + "next starts");
                    tornSeen = true;
                    return true;
                }
                return brk(i + 1, where + ": incomplete line inside the journal (only the very last line may be torn)",
                        s.name(), n);
            }
            RecordFields rec = Objects.requireNonNull(l.fields(), "a complete line has fields");
            // Only probe and submitted records, which are not looked into here, are read without a tree.
            JsonNode tree = Objects.requireNonNullElse(rec.tree(), MissingNode.getInstance());
            boolean isRecord = rec.record();
            if (!isRecord && i == all.size() - 1) {
                // Garbage at the very end is cut by the agent with a note, like a torn tail;
                // with a record after it, it is a break (below).
                if (garbageAt == null) {
                    garbageAt = where;
                    garbageLine = n;
                }
                garbageLines++;
                return true;
            }
            if (!isRecord || garbageAt != null) {
                String at = garbageAt != null ? garbageAt : where;
                return brk(i + 1, at + ": not a journal record (not JSON with seq and prev)", s.name(),
                        garbageAt != null ? garbageLine : n);
            }
            long seq = rec.seq();
            String prev = rec.prev();
            String type = rec.type();
            if (n == 1) {
                if (!"segment".equals(type) || !s.name().equals(tree.path("segment").asText())) {
                    return brk(i + 1, where + ": the segment does not begin with its own header record: records at "
                            + "its start were removed or it was renamed", s.name(), n);
                }
                String named = tree.path("previous_segment").isNull() ? null
                        : tree.path("previous_segment").asText(null);
                if (previousName != null && !previousName.equals(named)) {
                    return brk(i + 1, where + ": the header names " + named + " as the segment before, but the one "
                            + "on disk is " + previousName + ": segment " + named + " is missing", s.name(), n);
                }
            }
            if (expectedSeq < 0) {
                firstSeq = seq;
                firstPrev = prev;
            } else if (seq != expectedSeq) {
                String what = seq > expectedSeq
                        ? "seq " + seq + " where " + expectedSeq + " was expected: record" + (seq - expectedSeq
                                > 1 ? "s " + expectedSeq + " to " + (seq - 1) + " are" : " " + expectedSeq
                                + " is") + " missing (removed) or records were moved"
                        : "seq " + seq + " where " + expectedSeq + " was expected: a record was inserted, or "
                                + "records were moved (seq " + seq + " came before)";
                return brk(i + 1, where + ": " + what, s.name(), n);
            } else if (!prev.equals(expectedPrev)) {
                return brk(i + 1, where + ": its prev " + prev + " is not the hash of the record before it ("
                        + previousWhere + ", hash " + expectedPrev + "): that record was edited", s.name(), n);
            }
            if ("note".equals(type)) {
                noteRepair(where, tree, notes);
            }
            if ("retention".equals(type)) {
                anchors.put(tree.path("last_hash").asText(), tree.path("last_seq").asLong());
                notes.add(where + ": segment " + tree.path("removed_segment").asText()
                        + " was removed by retention (" + tree.path("retention").asText() + ")");
            }
            expectedSeq = seq + 1;
            expectedPrev = l.hash();
            previousWhere = where;
            records++;
            return true;
        }

        private boolean brk(int segments, String problem, String segment, long line) {
            broken = broken(segments, records, expectedSeq - 1, expectedPrev, problem, segment, line, notes);
            return false;
        }

        /** The verdict, once every line was given (or the first break was found). */
        public Result result() {
            if (broken != null) {
                return broken;
            }
            if (all.isEmpty()) {
                return broken(0, 0, 0, null, "no journal segments (journal-*.jsonl[.gz]) in " + dir, null, 0, notes);
            }
            if (garbageAt != null) {
                notes.add(garbageAt + ": " + garbageLines + " line(s) at the very end are not journal records (a "
                        + "disk or file system wrote garbage); not part of the chain, the agent cuts them with a note "
                        + "when it next starts");
            }
            if (records == 0) {
                return broken(all.size(), 0, 0, null, "the journal holds no record", all.get(0).name(), 1, notes);
            }
            boolean genesis = firstSeq == 1 && Segments.GENESIS.equals(firstPrev);
            Long anchoredSeq = anchors.get(firstPrev);
            if (!genesis && (anchoredSeq == null || anchoredSeq + 1 != firstSeq)) {
                return broken(all.size(), records, expectedSeq - 1, expectedPrev, "segment " + all.get(0).name()
                        + ", line 1: the journal begins at seq " + firstSeq + " with prev " + firstPrev + ", neither "
                        + "the first record (seq 1, genesis) nor a segment removed by retention: earlier segments "
                        + "were removed", all.get(0).name(), 1, notes);
            }
            return new Result(true, all.size(), records, expectedSeq - 1, expectedPrev, null, null, 0, notes);
        }
    }

    /** A repair the agent made at start-up, or a clock it found behind: noted, not a break. */
    private static void noteRepair(String where, JsonNode rec, List<String> notes) {
        switch (rec.path("note").asText()) {
            case "torn_tail", "garbage_tail" -> notes.add(where + ": repaired at a start: " + rec.path("cut_bytes")
                    .asLong() + " bytes cut from the end of segment " + rec.path("segment").asText() + " at offset "
                    + rec.path("offset").asLong() + " (" + rec.path("note").asText() + ", sha256 "
                    + rec.path("cut_sha256").asText() + "), quoted in this record");
            case "clock_behind_segment" -> notes.add(where + ": the clock (" + rec.path("wall_time").asText()
                    + ") was behind segment " + rec.path("segment").asText() + "'s period; the chain keeps its order");
            default -> {
                // unclean_stop and other notes explain gaps; they are not repairs.
            }
        }
    }

    private static Result broken(int segments, long records, long headSeq, @Nullable String headHash, String problem,
            @Nullable String segment, long line, List<String> notes) {
        return new Result(false, segments, records, headSeq, headHash, problem, segment, line, notes);
    }
}
