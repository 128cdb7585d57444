package org.mailprobe.agent.journal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.mailprobe.agent.journal.Segments.Segment;

/**
 * Reads a journal's segments once, in the chain's order, for {@code journal verify} and the report
 * together (issue 13): a bounded pool, one thread per core, inflates, splits, hashes and reads
 * ({@link RecordFields}) several segments at once, and the caller's handler gets their lines one
 * after another in order, so the chain's links are still checked in order. Each segment hands over
 * at most a few batches ahead of the handler, so memory stays bounded however large the journal.
 */
public final class JournalScan {
    /** Lines handed over at once. */
    static final int BATCH = 2048;
    /** Batches a segment may read ahead of the handler. */
    static final int AHEAD = 4;
    private static final Object END = new Object();
    private static final AtomicInteger POOLS = new AtomicInteger();

    private JournalScan() {}

    /**
     * One line of a segment.
     *
     * @param number 1-based within its segment
     * @param terminated false for a torn last line (no newline), which is not read further
     * @param hash SHA-256 of the line's bytes, hex; null if not terminated
     * @param fields what the line holds; null if not terminated
     */
    public record Line(int segmentIndex, String segment, long number, boolean terminated, byte[] bytes, String hash,
            RecordFields fields) {}

    /** Receives the segments and their lines in order, on the thread that called {@link #scan}. */
    public interface Handler {
        /** Segment {@code index} of the list begins (also for a segment with no line). */
        void segment(int index, Segment s) throws IOException;

        /** @return false to stop reading */
        boolean line(Line line) throws IOException;
    }

    public static void scan(List<Segment> segments, Handler handler) throws IOException {
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
                readers.execute(() -> read(index, segments.get(index), q));
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

    private static void read(int index, Segment s, BlockingQueue<Object> q) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            HexFormat hex = HexFormat.of();
            try (Segments.LineReader r = new Segments.LineReader(Segments.open(s))) {
                List<Line> batch = new ArrayList<>(BATCH);
                byte[] bytes;
                long number = 0;
                while ((bytes = r.next()) != null) {
                    number++;
                    if (r.terminated()) {
                        batch.add(new Line(index, s.name(), number, true, bytes, hex.formatHex(sha256.digest(bytes)),
                                RecordFields.of(bytes)));
                    } else {
                        batch.add(new Line(index, s.name(), number, false, bytes, null, null));
                    }
                    if (batch.size() == BATCH) {
                        q.put(batch);
                        batch = new ArrayList<>(BATCH);
                    }
                }
                if (!batch.isEmpty()) {
                    q.put(batch);
                }
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

    private static void offer(BlockingQueue<Object> q, Object failure) {
        try {
            q.put(failure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
