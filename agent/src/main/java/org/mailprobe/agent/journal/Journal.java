package org.mailprobe.agent.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.JournalConfig;
import org.mailprobe.agent.journal.Segments.Segment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only, hash-chained evidence journal (docs/DESIGN.md section 4). Every record is one line of
 * compact JSON: {@code seq} (1, 2, 3, ... over the whole journal), {@code time}, {@code type},
 * {@code agent}, {@code site}, the record's own fields, and {@code prev}, the SHA-256 of the line
 * before it (the previous segment's last line for a segment's first; {@link Segments#GENESIS} for
 * the very first). A segment begins with a {@code segment} record naming the one before it.
 *
 * <p>Durability: each record is written with one {@code write} call, so a killed process leaves
 * whole lines; with {@code fsync: always} (the default) it is also forced to disk before
 * {@link #append} returns, so a power cut loses nothing appended; with {@code fsync: 1s} a power
 * cut may lose the last second. At open, a torn last line (a power cut mid-write) is cut off and a
 * {@code note} record says what was cut, byte for byte; whole lines at the end that are not records
 * (a disk that wrote garbage) are cut the same way and kept in a quarantine file ({@link GarbageTail});
 * a run that ended without a {@code stop} event gets a {@code note} too.
 *
 * <p>Clock: segment names must sort in chain order. When the clock is behind the newest segment's
 * period (it jumped back, or was ahead when that segment began), records go on in that segment
 * with a {@code clock_behind_segment} note, and each new period of the clock starts the segment
 * named one period after the newest, until the clock passes it. Thread-safe.
 */
public final class Journal implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(Journal.class);
    static final ObjectMapper JSON = new ObjectMapper();
    /** How much of a torn line a recovery note quotes. */
    static final int MAX_QUOTED_BYTES = 4096;

    private final JournalConfig config;
    private final String agent;
    private final String site;
    private final Supplier<Instant> clock;
    private final ExecutorService compressor;
    private final @Nullable ScheduledExecutorService syncer;
    private @Nullable FileChannel channel;
    private @Nullable String segment;
    private long seq;
    private String lastHash = Segments.GENESIS;
    private boolean dirty;
    private boolean closed;
    /** The wall clock's period at the last append (or open): a new one rotates even when behind the segment. */
    private @Nullable String lastWall;
    /** Whether the current episode of a clock behind the newest segment was noted already. */
    private boolean clockBehindNoted;
    /** Segments handed to the compressor, so that none is queued twice. */
    private final java.util.Set<String> queued = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private Journal(JournalConfig config, String agent, String site, Supplier<Instant> clock) {
        this.config = config;
        this.agent = agent;
        this.site = site;
        this.clock = clock;
        compressor = Executors.newSingleThreadExecutor(r -> daemon(r, "mailprobe-journal-gzip"));
        syncer = config.fsyncEveryRecord() ? null
                : Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "mailprobe-journal-fsync"));
    }

    /** Opens the journal in {@code config.dir()}, recovering from a crash if need be; see the class comment. */
    public static Journal open(JournalConfig config, String agent, String site, Supplier<Instant> clock)
            throws IOException {
        Journal j = new Journal(config, agent, site, clock);
        j.recover();
        if (j.syncer != null) {
            long ms = config.fsyncInterval().toMillis();
            j.syncer.scheduleWithFixedDelay(j::syncIfDirty, ms, ms, TimeUnit.MILLISECONDS);
        }
        return j;
    }

    public Path dir() {
        return config.dir();
    }

    /**
     * Appends a record of {@code type} with {@code fields} (in their order), on disk as the policy
     * says before it returns.
     *
     * @return the record's seq
     */
    public synchronized long append(String type, ObjectNode fields) throws IOException {
        if (closed) {
            throw new IOException("the journal is closed");
        }
        Instant now = clock.get();
        String wall = Segments.nameFor(now, config.rotation());
        if (segment == null || wall.compareTo(segment) > 0) {
            startSegment(wall, now);
            clockBehindNoted = false;
        } else if (wall.compareTo(segment) < 0) {
            if (lastWall != null && wall.compareTo(lastWall) > 0) {
                // A new period by the wall clock, which is behind the newest segment's name (it had
                // jumped ahead): rotate all the same, to the period after that name, so that
                // segments stay bounded and their names keep the chain's order.
                startSegment(Segments.after(segment, config.rotation()), now);
            }
            if (!clockBehindNoted) {
                ObjectNode note = clockBehind(now);
                write(now, "note", note);
                logger.warn("Journal clock is behind its newest segment. segment={} now={} detail=\"{}\"", segment, now,
                        note.path("detail").asText());
                clockBehindNoted = true;
            }
        }
        lastWall = wall;
        return write(now, type, fields);
    }

    private ObjectNode clockBehind(Instant now) {
        ObjectNode note = newRecord();
        note.put("note", "clock_behind_segment");
        note.put("segment", segment);
        note.put("wall_time", now.toString());
        note.put("detail", "the clock (" + now + ") is behind the period of segment " + segment + ": it jumped back, "
                + "or was ahead when that segment began; records go on in it, and each new period of the clock "
                + "starts the segment named one period later, so the chain keeps its order");
        return note;
    }

    /** As {@link #append}, logging instead of throwing: the agent goes on measuring if the disk fails. */
    public void appendOrLog(String type, ObjectNode fields) {
        try {
            append(type, fields);
        } catch (IOException e) {
            logger.error("Cannot append to the journal; this record is not evidence. dir={} type={} error={}",
                    config.dir(), type, e.toString());
        }
    }

    /**
     * A new record's own fields, empty, to fill and pass to {@link #append}, which writes them
     * after the fields every record has (seq, time, type, agent, site) and before the chain's
     * {@code prev} hash.
     */
    public static ObjectNode newRecord() {
        return JSON.createObjectNode();
    }

    public synchronized long lastSeq() {
        return seq;
    }

    public synchronized String lastHash() {
        return lastHash;
    }

    private long write(Instant now, String type, ObjectNode fields) throws IOException {
        ObjectNode r = JSON.createObjectNode();
        r.put("seq", seq + 1);
        r.put("time", now.toString());
        r.put("type", type);
        r.put("agent", agent);
        r.put("site", site);
        fields.properties().forEach(e -> r.set(e.getKey(), e.getValue()));
        r.put("prev", lastHash);
        byte[] line = JSON.writeValueAsBytes(r);
        byte[] withNewline = Arrays.copyOf(line, line.length + 1);
        withNewline[line.length] = '\n';
        ByteBuffer buffer = ByteBuffer.wrap(withNewline);
        while (buffer.hasRemaining()) {
            channel().write(buffer);
        }
        if (syncer == null) {
            channel().force(false);
        } else {
            dirty = true;
        }
        seq++;
        lastHash = Segments.sha256(line, line.length);
        return seq;
    }

    private void startSegment(String name, Instant now) throws IOException {
        String previous = segment;
        if (channel != null) {
            channel().force(false);
            channel.close();
        }
        Path file = config.dir().resolve(name + Segments.PLAIN);
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        syncDirectory();
        segment = name;
        ObjectNode header = newRecord();
        header.put("segment", name);
        header.put("previous_segment", previous == null ? lastSegmentBefore(name) : previous);
        write(now, "segment", header);
        channel.force(false);
        compressFinished();
        applyRetention(now);
    }

    private @Nullable String lastSegmentBefore(String name) throws IOException {
        String before = null;
        for (Segment s : Segments.list(config.dir())) {
            if (s.name().compareTo(name) < 0) {
                before = s.name();
            }
        }
        return before;
    }

    /** Finds the chain's end, cuts a torn last line with a note, and notes an unclean stop. */
    private void recover() throws IOException {
        Files.createDirectories(config.dir());
        cleanUpCompression();
        List<Segment> all = Segments.list(config.dir());
        List<ObjectNode> notes = new ArrayList<>();
        JsonNode lastRecord = null;
        for (int i = all.size() - 1; i >= 0 && lastRecord == null; i--) {
            Segment s = all.get(i);
            if (!s.compressed() && i == all.size() - 1) {
                ObjectNode torn = cutTornTail(s);
                if (torn != null) {
                    notes.add(torn);
                }
                ObjectNode garbage = GarbageTail.cut(s, config.dir());
                if (garbage != null) {
                    notes.add(garbage);
                }
            }
            byte[] last = lastLine(s);
            if (last != null && record(last) == null) {
                throw new IOException("the last line of the finished segment " + s.file() + " is not a journal "
                        + "record; run mailprobe journal verify --journal " + config.dir());
            }
            if (last != null) {
                lastRecord = JSON.readTree(last);
                seq = lastRecord.path("seq").asLong();
                lastHash = Segments.sha256(last, last.length);
            }
        }
        if (lastRecord != null && !("event".equals(lastRecord.path("type").asText())
                && "stop".equals(lastRecord.path("event").asText()))) {
            ObjectNode unclean = newRecord();
            unclean.put("note", "unclean_stop");
            unclean.put("last_seq", lastRecord.path("seq").asLong());
            unclean.put("last_time", lastRecord.path("time").asText());
            unclean.put("detail", "the previous run ended without a stop record (killed, crashed or a power cut); "
                    + "its evidence ends at the last record before this note");
            notes.add(0, unclean);
        }
        Segment newest = all.isEmpty() ? null : all.get(all.size() - 1);
        Instant now = clock.get();
        String current = Segments.nameFor(now, config.rotation());
        synchronized (this) {
            if (newest != null && !newest.compressed() && newest.name().compareTo(current) >= 0
                    && Files.size(newest.file()) > 0) {
                segment = newest.name();
                channel = FileChannel.open(newest.file(), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            } else {
                startSegment(newest != null && !newest.compressed() && Files.size(newest.file()) == 0
                        && newest.name().compareTo(current) > 0 ? newest.name() : current, now);
            }
            lastWall = current;
            if (Objects.requireNonNull(segment, "segment").compareTo(current) > 0) {
                notes.add(clockBehind(now));
                clockBehindNoted = true;
            }
            for (ObjectNode note : notes) {
                write(clock.get(), "note", note);
                logger.warn("Journal recovered. note={} detail=\"{}\"", note.path("note").asText(),
                        note.path("detail").asText());
            }
            channel().force(false);
        }
    }

    /** Truncates a segment's bytes after its last newline; returns the note saying what was cut, or null. */
    private static @Nullable ObjectNode cutTornTail(Segment s) throws IOException {
        try (FileChannel ch = FileChannel.open(s.file(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long keep = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (keep > 0) {
                one.clear();
                ch.read(one, keep - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                keep--;
            }
            if (keep == size) {
                return null;
            }
            int cut = (int) Math.min(size - keep, MAX_QUOTED_BYTES);
            ByteBuffer tail = ByteBuffer.allocate(cut);
            ch.read(tail, keep);
            ch.truncate(keep);
            ch.force(true);
            ObjectNode note = newRecord();
            note.put("note", "torn_tail");
            note.put("segment", s.name());
            note.put("offset", keep);
            note.put("cut_bytes", size - keep);
            note.put("cut_sha256", sha256Of(tail.array()));
            note.put("cut_text", new String(tail.array(), 0, cut, StandardCharsets.UTF_8));
            note.put("detail", "the last line of " + s.name() + " was incomplete (the agent stopped mid-write); its "
                    + (size - keep) + " bytes were cut and are quoted here; it is not part of the chain");
            return note;
        }
    }

    /** The record a line holds, or null if it is not one (not a JSON object with seq and prev). */
    static @Nullable JsonNode record(byte[] line) {
        JsonNode rec;
        try {
            rec = JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
        return rec != null && rec.isObject() && rec.path("seq").canConvertToLong() && rec.path("prev").isTextual()
                ? rec : null;
    }

    private static String sha256Of(byte[] bytes) {
        return Segments.sha256(bytes, bytes.length);
    }

    static byte @Nullable [] lastLine(Segment s) throws IOException {
        byte[] last = null;
        try (Segments.LineReader r = new Segments.LineReader(Segments.open(s))) {
            byte[] line;
            while ((line = r.next()) != null) {
                if (r.terminated()) {
                    last = line;
                }
            }
        }
        return last;
    }

    /** A crash mid-compression leaves a temp file, or both forms: the plain one is kept and compressed again. */
    private void cleanUpCompression() throws IOException {
        try (var files = Files.list(config.dir())) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().endsWith(".gz.tmp")) {
                    Files.deleteIfExists(f);
                }
            }
        }
        for (Segment s : Segments.list(config.dir())) {
            Path gz = config.dir().resolve(s.name() + Segments.GZ);
            if (!s.compressed() && Files.exists(gz)) {
                Files.delete(gz);
            }
        }
    }

    /** Compresses, in the background, every plain segment but the current one. */
    private void compressFinished() throws IOException {
        for (Segment s : Segments.list(config.dir())) {
            if (!s.compressed() && !s.name().equals(segment) && queued.add(s.name())) {
                compressor.execute(() -> compress(s));
            }
        }
    }

    private void compress(Segment s) {
        Path tmp = config.dir().resolve(s.name() + Segments.GZ + ".tmp");
        Path gz = config.dir().resolve(s.name() + Segments.GZ);
        try {
            try (InputStream in = Files.newInputStream(s.file());
                    OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                in.transferTo(out);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, gz, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory();
            Files.delete(s.file());
            syncDirectory();
            logger.info("Journal segment compressed. segment={}", gz);
        } catch (IOException e) {
            logger.error("Compressing a journal segment failed; it stays uncompressed. segment={} error={}", s.file(),
                    e.toString());
        }
    }

    /**
     * Removes segments whose whole period ended more than the retention ago, writing first a
     * {@code retention} record with each one's last seq and hash, so verify knows where the
     * remaining chain is anchored.
     */
    private void applyRetention(Instant now) throws IOException {
        List<Segment> all = Segments.list(config.dir());
        Instant cutoff = now.minus(config.retention());
        for (int i = 0; i + 1 < all.size(); i++) {
            Segment s = all.get(i);
            if (s.name().equals(segment) || !all.get(i + 1).start().isBefore(cutoff)) {
                continue;
            }
            byte[] last = lastLine(s);
            ObjectNode r = newRecord();
            r.put("removed_segment", s.name());
            r.put("last_seq", last == null ? 0 : JSON.readTree(last).path("seq").asLong());
            r.put("last_hash", last == null ? "" : Segments.sha256(last, last.length));
            r.put("retention", config.retention().toString());
            write(now, "retention", r);
            channel().force(false);
            Files.deleteIfExists(s.file());
            logger.info("Journal segment removed after its retention. segment={} retention={}", s.name(),
                    config.retention());
        }
    }

    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(config.dir(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            logger.debug("Cannot fsync the journal directory on this platform. dir={}", config.dir());
        }
    }

    private synchronized void syncIfDirty() {
        try {
            if (dirty && channel != null && !closed) {
                channel().force(false);
                dirty = false;
            }
        } catch (IOException e) {
            logger.error("Forcing the journal to disk failed. dir={} error={}", config.dir(), e.toString());
        }
    }

    /** Waits for background compression, forces the last records and closes. */
    @Override
    public void close() {
        if (syncer != null) {
            syncer.shutdownNow();
        }
        compressor.shutdown();
        try {
            compressor.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            try {
                channel().force(false);
                channel().close();
            } catch (IOException e) {
                logger.error("Closing the journal failed. dir={} error={}", config.dir(), e.toString());
            }
        }
    }

    /** Reads every record of the journal in order, with where it is; for the report and restarts. */
    public static void read(Path dir, Consumer<Located> each) throws IOException {
        for (Segment s : Segments.list(dir)) {
            read(s, each);
        }
    }

    /** Reads every whole record of one segment in order. */
    public static void read(Segment s, Consumer<Located> each) throws IOException {
        {
            try (Segments.LineReader r = new Segments.LineReader(Segments.open(s))) {
                byte[] line;
                long n = 0;
                while ((line = r.next()) != null) {
                    n++;
                    if (!r.terminated()) {
                        break; // a torn last line: not a record
                    }
                    each.accept(new Located(s.name(), n, JSON.readTree(line)));
                }
            }
        }
    }

    /** A journal line as a JSON tree, as the report quotes a record it cites. */
    public static JsonNode tree(byte[] line) throws IOException {
        return JSON.readTree(line);
    }

    /** A record and where it is: segment and 1-based line. */
    public record Located(String segment, long line, JsonNode record) {}

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** The open segment's channel: set when the journal opens, before any append. */
    private FileChannel channel() {
        return Objects.requireNonNull(channel, "channel");
    }
}
