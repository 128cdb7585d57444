package org.mailprobe.agent.journal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The fields of one journal line that {@code journal verify} and the report read, taken in one
 * streaming pass without a JSON object tree (issue 13) for the records a journal is made of:
 * {@code probe} and {@code submitted} records in their usual shape. Every other line (other types,
 * a field of an unusual JSON type, a repeated key, not JSON at all) is read into a tree as before and
 * its fields are taken from the tree with the very expressions the report always used, so both
 * ways give the same values; {@link #tree()} is then that tree.
 */
public final class RecordFields {
    private static final int SEQ = 1;
    private static final int TIME = 1 << 1;
    private static final int TYPE = 1 << 2;
    private static final int AGENT = 1 << 3;
    private static final int SITE = 1 << 4;
    private static final int PREV = 1 << 5;
    private static final int PROBE = 1 << 6;
    private static final int ROUTE = 1 << 7;
    private static final int LEG = 1 << 8;
    private static final int ACCOUNT = 1 << 9;
    private static final int FROM_ACCOUNT = 1 << 10;
    private static final int OUTCOME = 1 << 11;
    private static final int STARTED = 1 << 12;
    private static final int ACCEPTED = 1 << 13;
    private static final int DEADLINE = 1 << 14;
    private static final int PATHS = 1 << 15;

    /** One element of a probe record's {@code paths}. */
    public record PathFields(@Nullable String path, @Nullable String leg, boolean lost, boolean hasDelay, long delayMs) {}

    private boolean record;
    private long seq;
    private String prev = "";
    private String type = "";
    private String time = "";
    private @Nullable String agent;
    private @Nullable String site;
    private String probe = "";
    private String route = "";
    private String leg = "";
    private @Nullable String account;
    private @Nullable String fromAccount;
    private String outcome = "";
    private @Nullable String started;
    private @Nullable String accepted;
    private @Nullable String deadline;
    private List<PathFields> paths = List.of();
    private @Nullable JsonNode tree;
    private @Nullable IOException invalid;
    /** Set by the streaming pass on a value of a type the report would convert: the tree does that. */
    private boolean unusual;

    private RecordFields() {}

    /** Reads {@code line} (one journal line without its newline). */
    public static RecordFields of(byte[] line) {
        RecordFields[] out = new RecordFields[1];
        read(line, new int[] {0}, new int[] {line.length}, 1, out, false);
        return out[0];
    }

    /**
     * Reads the {@code count} lines {@code buf[start[i], end[i])}, each followed by a newline, into
     * {@code out}. One parser reads them all as a sequence of root values, since a parser per line
     * costs more than the reading (issue 13); a line that is not one object ending at its newline,
     * or not in the usual shape, is read alone into a tree and the parser starts again after it.
     * With {@code chainOnly} (journal verify), a usual record's fields other than seq, type and prev
     * are skipped, not decoded.
     */
    static void read(byte[] buf, int[] start, int[] end, int count, RecordFields[] out, boolean chainOnly) {
        JsonParser p = null;
        int base = 0;
        for (int i = 0; i < count; i++) {
            RecordFields f = new RecordFields();
            int status = MID;
            try {
                if (p == null) {
                    base = start[i];
                    p = Journal.JSON.getFactory().createParser(buf, base, end[count - 1] - base);
                }
                if (p.nextToken() == JsonToken.START_OBJECT && p.currentTokenLocation().getByteOffset()
                        == start[i] - base) {
                    status = f.stream(p, chainOnly);
                    if (status != MID && p.currentLocation().getByteOffset() != end[i] - base) {
                        status = MID;
                    }
                }
            } catch (IOException | RuntimeException e) {
                status = MID; // not JSON, or not as the writer writes it: the tree below decides
            }
            out[i] = status == FAST ? f : fromTree(buf, start[i], end[i] - start[i]);
            if (status == MID) {
                close(p);
                p = null;
            }
        }
        close(p);
    }

    private static void close(@Nullable JsonParser p) {
        if (p != null) {
            try {
                p.close();
            } catch (IOException e) {
                // A parser over a byte array has nothing to release.
            }
        }
    }

    /** Whether the line is a record: a JSON object with a {@code seq} and a textual {@code prev}. */
    public boolean record() {
        return record;
    }

    public long seq() {
        return seq;
    }

    public String prev() {
        return prev;
    }

    /** {@code type}, "" when absent. */
    public String type() {
        return type;
    }

    public String time() {
        return time;
    }

    /** {@code agent}, or null when absent or null (the report keeps the last one given). */
    public @Nullable String agent() {
        return agent;
    }

    public @Nullable String site() {
        return site;
    }

    public String probe() {
        return probe;
    }

    public String route() {
        return route;
    }

    public String leg() {
        return leg;
    }

    /** {@code account}, or null when absent or null. */
    public @Nullable String account() {
        return account;
    }

    public @Nullable String fromAccount() {
        return fromAccount;
    }

    public String outcome() {
        return outcome;
    }

    public @Nullable String started() {
        return started;
    }

    public @Nullable String accepted() {
        return accepted;
    }

    public @Nullable String deadline() {
        return deadline;
    }

    public List<PathFields> paths() {
        return paths;
    }

    /** The line's JSON tree when it was not read by the streaming pass; null otherwise. */
    public @Nullable JsonNode tree() {
        return tree;
    }

    /** Why the line is not JSON at all (what reading it as a tree threw); null if it is JSON. */
    public @Nullable IOException invalid() {
        return invalid;
    }

    /** Read in the streaming pass. */
    private static final int FAST = 0;
    /** Read to its end, but to be taken from a tree. */
    private static final int WHOLE = 1;
    /** Left in the middle: to be taken from a tree, and the parser is lost. */
    private static final int MID = 2;

    /** Reads the object whose START_OBJECT {@code p} just returned; FAST, WHOLE or MID. */
    private int stream(JsonParser p, boolean chainOnly) throws IOException {
        int seen = 0;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            int bit = bit(name);
            if (chainOnly && (bit & (SEQ | TYPE | PREV)) == 0) {
                p.skipChildren();
                continue;
            }
            if ((seen & bit) != 0) {
                return MID; // a repeated key: the tree keeps the last, let it decide
            }
            seen |= bit;
            switch (name) {
                case "seq" -> {
                    if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        return MID;
                    }
                    seq = p.getLongValue();
                }
                case "time" -> time = required(p, v);
                case "type" -> type = required(p, v);
                case "agent" -> agent = string(p, v, true);
                case "site" -> site = string(p, v, true);
                case "prev" -> prev = required(p, v);
                case "probe" -> probe = required(p, v);
                case "route" -> route = required(p, v);
                case "leg" -> leg = required(p, v);
                case "account" -> account = string(p, v, true);
                case "from_account" -> fromAccount = string(p, v, true);
                case "outcome" -> outcome = required(p, v);
                case "started" -> started = string(p, v, true);
                case "accepted" -> accepted = string(p, v, true);
                case "deadline" -> deadline = string(p, v, true);
                case "paths" -> {
                    if (v != JsonToken.START_ARRAY || !paths(p)) {
                        return MID;
                    }
                }
                default -> p.skipChildren();
            }
            if (unusual) {
                return MID;
            }
        }
        if (t != JsonToken.END_OBJECT) {
            return MID;
        }
        int required = chainOnly ? SEQ | PREV : SEQ | PREV | TIME;
        if ((seen & required) != required) {
            return WHOLE;
        }
        record = true;
        return type.equals("probe") || type.equals("submitted") ? FAST : WHOLE;
    }

    /** A string the record must have; anything else reads as "" and marks the record unusual. */
    private String required(JsonParser p, JsonToken v) throws IOException {
        String s = string(p, v, false);
        return s == null ? "" : s;
    }

    /** A string value; null for JSON null where {@code nullable}; anything else is unusual. */
    private @Nullable String string(JsonParser p, JsonToken v, boolean nullable) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (v != JsonToken.VALUE_NULL || !nullable) {
            unusual = true;
        }
        return null;
    }

    private boolean paths(JsonParser p) throws IOException {
        List<PathFields> out = new ArrayList<>(3);
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
            String path = "";
            String pathLeg = null;
            boolean lost = false;
            boolean hasDelay = false;
            long delay = 0;
            int seen = 0;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                int bit = switch (name) {
                    case "path" -> 1;
                    case "leg" -> 2;
                    case "lost" -> 4;
                    case "delay_ms" -> 8;
                    default -> 0;
                };
                if ((seen & bit) != 0) {
                    return false;
                }
                seen |= bit;
                switch (name) {
                    case "path" -> path = string(p, v, false);
                    case "leg" -> pathLeg = string(p, v, true);
                    case "lost" -> {
                        if (v != JsonToken.VALUE_TRUE && v != JsonToken.VALUE_FALSE && v != JsonToken.VALUE_NULL) {
                            return false;
                        }
                        lost = v == JsonToken.VALUE_TRUE;
                    }
                    case "delay_ms" -> {
                        hasDelay = true;
                        if (v == JsonToken.VALUE_NUMBER_INT
                                && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                            delay = p.getLongValue();
                        } else if (v != JsonToken.VALUE_NULL) {
                            return false;
                        }
                    }
                    default -> p.skipChildren();
                }
                if (unusual) {
                    return false;
                }
            }
            if (t != JsonToken.END_OBJECT) {
                return false;
            }
            out.add(new PathFields(path, pathLeg, lost, hasDelay, delay));
        }
        paths = out;
        return t == JsonToken.END_ARRAY;
    }

    private static int bit(String name) {
        return switch (name) {
            case "seq" -> SEQ;
            case "time" -> TIME;
            case "type" -> TYPE;
            case "agent" -> AGENT;
            case "site" -> SITE;
            case "prev" -> PREV;
            case "probe" -> PROBE;
            case "route" -> ROUTE;
            case "leg" -> LEG;
            case "account" -> ACCOUNT;
            case "from_account" -> FROM_ACCOUNT;
            case "outcome" -> OUTCOME;
            case "started" -> STARTED;
            case "accepted" -> ACCEPTED;
            case "deadline" -> DEADLINE;
            case "paths" -> PATHS;
            default -> 0;
        };
    }

    /** The fields as the report has always read them from the tree (JsonNode's conversions included). */
    static RecordFields fromTree(byte[] buf, int offset, int length) {
        RecordFields f = new RecordFields();
        try {
            f.tree = Journal.JSON.readTree(buf, offset, length);
        } catch (IOException e) {
            f.invalid = e;
            return f;
        }
        JsonNode r = f.tree;
        f.record = r != null && r.isObject() && r.path("seq").canConvertToLong() && r.path("prev").isTextual();
        f.seq = r.path("seq").asLong();
        f.prev = r.path("prev").asText();
        f.type = r.path("type").asText();
        f.time = r.path("time").asText();
        f.agent = r.path("agent").asText(null);
        f.site = r.path("site").asText(null);
        f.probe = r.path("probe").asText();
        f.route = r.path("route").asText();
        f.leg = r.path("leg").asText();
        f.account = r.hasNonNull("account") ? r.path("account").asText(null) : null;
        f.fromAccount = r.path("from_account").asText(null);
        f.outcome = r.path("outcome").asText();
        f.started = r.path("started").asText(null);
        f.accepted = r.path("accepted").asText(null);
        f.deadline = r.hasNonNull("deadline") ? r.path("deadline").asText() : null;
        List<PathFields> paths = new ArrayList<>();
        for (JsonNode p : r.path("paths")) {
            paths.add(new PathFields(p.path("path").asText(), p.path("leg").asText(null),
                    p.path("lost").asBoolean(false), p.has("delay_ms"), p.path("delay_ms").asLong()));
        }
        f.paths = paths;
        return f;
    }
}
