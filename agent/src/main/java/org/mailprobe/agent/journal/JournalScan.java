package org.mailprobe.agent.journal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.journal.Segments.Segment;

/**
 * Reads a journal's segments once, in the chain's order, for {@code journal verify} and the report
 * together (issue 13): a bounded pool, one thread per core, inflates, splits, hashes and reads
 * ({@link RecordFields}) several segments at once, and the caller's handler gets their lines one
 * after another in order, so the chain's links are still checked in order. Each segment hands over
 * at most a few batches ahead of the handler, so memory stays bounded however large the journal.
 */
public final class JournalScan {
    /**
     * Bytes read and handed over at once (a longer line makes a longer chunk). Under half of G1's
     * smallest region (1 MiB), so that a chunk is an ordinary young object, not a humongous one.
     */
    static final int CHUNK = 1 << 18;
    /** Chunks a segment may read ahead of the handler. */
    static final int AHEAD = 8;
    private static final Object END = new Object();
    private static final AtomicInteger POOLS = new AtomicInteger();

    private JournalScan() {}

    /** One line of a segment, without its newline. */
    public static final class Line {
        private final String segment;
        private final long number;
        private final byte[] chunk;
        private final int offset;
        private final int length;
        private final boolean terminated;
        private final @Nullable String hash;
        private final @Nullable RecordFields fields;

        Line(String segment, long number, byte[] chunk, int offset, int length, boolean terminated, @Nullable String hash,
                @Nullable RecordFields fields) {
            this.segment = segment;
            this.number = number;
            this.chunk = chunk;
            this.offset = offset;
            this.length = length;
            this.terminated = terminated;
            this.hash = hash;
            this.fields = fields;
        }

        public String segment() {
            return segment;
        }

        /** 1-based within its segment. */
        public long number() {
            return number;
        }

        /** False for a torn last line (no newline), which is not read further. */
        public boolean terminated() {
            return terminated;
        }

        public int length() {
            return length;
        }

        /** A copy of the line's bytes (the chunk they are in is not kept). */
        public byte[] bytes() {
            return Arrays.copyOfRange(chunk, offset, offset + length);
        }

        /** SHA-256 of the line's bytes, hex; null if not terminated. */
        public @Nullable String hash() {
            return hash;
        }

        /** What the line holds; null if not terminated. */
        public @Nullable RecordFields fields() {
            return fields;
        }
    }

    /** Receives the segments and their lines in order, on the thread that called {@link #scan}. */
    public interface Handler {
        /** Segment {@code index} of the list begins (also for a segment with no line). */
        void segment(int index, Segment s) throws IOException;

        /** @return false to stop reading */
        boolean line(Line line) throws IOException;
    }

    /** Reads every line's {@link RecordFields} in full (the report). */
    public static void scan(List<Segment> segments, Handler handler) throws IOException {
        scan(segments, false, handler);
    }

    /**
     * @param chainOnly read only what the chain check needs of a usual record (seq, type, prev):
     *     the other fields of its {@link RecordFields} are left empty
     */
    public static void scan(List<Segment> segments, boolean chainOnly, Handler handler) throws IOException {
        if (segments.isEmpty()) {
            return;
        }
        int threads = Math.min(segments.size(), Math.max(1, Runtime.getRuntime().availableProcessors()));
        int pool = POOLS.incrementAndGet();
        AtomicInteger n = new AtomicInteger();
        ExecutorService readers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "mailprobe-journal-read-" + pool + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<BlockingQueue<Object>> queues = new ArrayList<>();
        try {
            // Submitted in order to a FIFO pool: the segment the handler waits for is always being read.
            for (int i = 0; i < segments.size(); i++) {
                BlockingQueue<Object> q = new ArrayBlockingQueue<>(AHEAD);
                queues.add(q);
                int index = i;
                readers.execute(() -> read(segments.get(index), chainOnly, q));
            }
            for (int i = 0; i < segments.size(); i++) {
                handler.segment(i, segments.get(i));
                BlockingQueue<Object> q = queues.get(i);
                queues.set(i, null);
                Object item;
                while ((item = take(q)) != END) {
                    if (item instanceof IOException e) {
                        throw e; // as the sequential reader threw it (verify's output does not change)
                    }
                    if (item instanceof RuntimeException e) {
                        throw e;
                    }
                    @SuppressWarnings("unchecked")
                    List<Line> batch = (List<Line>) item;
                    for (Line line : batch) {
                        if (!handler.line(line)) {
                            return;
                        }
                    }
                }
            }
        } finally {
            readers.shutdownNow();
        }
    }

    private static Object take(BlockingQueue<Object> q) throws IOException {
        try {
            return q.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the journal");
        }
    }

    private static void read(Segment s, boolean chainOnly, BlockingQueue<Object> q) {
        try (InputStream in = Segments.open(s)) {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            HexFormat hex = HexFormat.of();
            byte[] chunk = new byte[CHUNK];
            int filled = 0;
            long number = 0;
            while (true) {
                int n = in.readNBytes(chunk, filled, chunk.length - filled);
                filled += n;
                boolean eof = filled < chunk.length;
                int lines = 0;
                int[] start = new int[1024];
                int[] end = new int[1024];
                int from = 0;
                for (int i = 0; i < filled; i++) {
                    if (chunk[i] == '\n') {
                        if (lines == start.length) {
                            start = Arrays.copyOf(start, lines * 2);
                            end = Arrays.copyOf(end, lines * 2);
                        }
                        start[lines] = from;
                        end[lines++] = i;
                        from = i + 1;
                    }
                }
                RecordFields[] fields = new RecordFields[lines];
                RecordFields.read(chunk, start, end, lines, fields, chainOnly);
                List<Line> batch = new ArrayList<>(lines + 1);
                for (int i = 0; i < lines; i++) {
                    sha256.update(chunk, start[i], end[i] - start[i]);
                    batch.add(new Line(s.name(), ++number, chunk, start[i], end[i] - start[i], true,
                            hex.formatHex(sha256.digest()), fields[i]));
                }
                if (eof) {
                    if (from < filled) {
                        batch.add(new Line(s.name(), ++number, chunk, from, filled - from, false, null, null));
                    }
                    if (!batch.isEmpty()) {
                        q.put(batch);
                    }
                    break;
                }
                if (!batch.isEmpty()) {
                    q.put(batch);
                }
                // The unfinished line starts the next chunk; one longer than a chunk doubles it.
                int rest = filled - from;
                byte[] next = new byte[rest > CHUNK / 2 ? chunk.length * 2 : CHUNK];
                System.arraycopy(chunk, from, next, 0, rest);
                chunk = next;
                filled = rest;
            }
            q.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the handler stopped: nobody waits for the rest
        } catch (IOException | UncheckedIOException | NoSuchAlgorithmException e) {
            offer(q, e instanceof NoSuchAlgorithmException ? new IllegalStateException("every JDK has SHA-256", e)
                    : e instanceof UncheckedIOException u ? u.getCause() : e);
        } catch (RuntimeException e) {
            offer(q, e);
        }
    }

    private static void offer(BlockingQueue<Object> q, @Nullable Object failure) {
        try {
            q.put(failure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
