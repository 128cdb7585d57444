package org.mailprobe.agent.journal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.JournalConfig;

/**
 * The journal's files: {@code journal-20250601.jsonl} (daily) or {@code journal-20250601T13.jsonl}
 * (hourly), named by the UTC start of their period, gzip-compressed to {@code .jsonl.gz} once
 * finished. A record's hash is SHA-256 over its line's exact UTF-8 bytes without the newline; the
 * writer emits compact JSON in a fixed key order, so the stored line is the canonical form.
 */
public final class Segments {
    /** The {@code prev} of the very first record. */
    public static final String GENESIS = "0".repeat(64);
    static final String PREFIX = "journal-";
    static final String PLAIN = ".jsonl";
    static final String GZ = ".jsonl.gz";
    private static final Pattern NAME = Pattern.compile("journal-(\\d{8}(?:T\\d{2})?)\\.jsonl(\\.gz)?");

    private Segments() {}

    /** One segment file. */
    public record Segment(String name, @Nullable Path file, boolean compressed) {
        /** When its period began. */
        public Instant start() {
            String stamp = name.substring(PREFIX.length());
            if (stamp.length() == 8) {
                return LocalDate.parse(stamp, DateTimeFormatter.BASIC_ISO_DATE).atStartOfDay().toInstant(ZoneOffset.UTC);
            }
            return LocalDateTime.parse(stamp, DateTimeFormatter.ofPattern("yyyyMMdd'T'HH")).toInstant(ZoneOffset.UTC);
        }
    }

    /** The segment name for the period holding {@code time}. */
    static String nameFor(Instant time, JournalConfig.Rotation rotation) {
        return PREFIX + DateTimeFormatter.ofPattern(rotation.pattern()).withZone(ZoneOffset.UTC).format(time);
    }

    /** The name of the period right after {@code name}'s. */
    static String after(String name, JournalConfig.Rotation rotation) {
        Instant start = new Segment(name, null, false).start();
        Duration period = rotation == JournalConfig.Rotation.HOURLY ? Duration.ofHours(1) : Duration.ofDays(1);
        return nameFor(start.plus(period), rotation);
    }

    /** Every segment in {@code dir}, oldest first; where both forms of one exist, the plain one. */
    public static List<Segment> list(Path dir) throws IOException {
        List<Segment> found = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return found;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (m.matches()) {
                    found.add(new Segment(PREFIX + m.group(1), f, m.group(2) != null));
                }
            });
        }
        found.sort((a, b) -> a.name().equals(b.name()) ? Boolean.compare(a.compressed(), b.compressed())
                : a.name().compareTo(b.name()));
        List<Segment> unique = new ArrayList<>();
        for (Segment s : found) {
            if (unique.isEmpty() || !unique.get(unique.size() - 1).name().equals(s.name())) {
                unique.add(s);
            }
        }
        return unique;
    }

    static InputStream open(Segment s) throws IOException {
        InputStream in = Files.newInputStream(s.file());
        return new BufferedInputStream(s.compressed() ? new GZIPInputStream(in, 1 << 16) : in, 1 << 16);
    }

    public static String sha256(byte[] bytes, int length) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(bytes, 0, length);
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Reads raw lines, byte for byte, so a line hashes exactly as written. */
    static final class LineReader implements AutoCloseable {
        private final InputStream in;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
        private boolean terminated;
        private final byte[] buffer = new byte[1 << 16];
        private int pos;
        private int limit;

        LineReader(InputStream in) {
            this.in = in;
        }

        /** The next line without its newline; null at the end. */
        byte @Nullable [] next() throws IOException {
            line.reset();
            while (true) {
                if (pos == limit) {
                    limit = in.read(buffer);
                    pos = 0;
                    if (limit <= 0) {
                        limit = 0;
                        terminated = false;
                        return line.size() == 0 ? null : line.toByteArray();
                    }
                }
                for (int i = pos; i < limit; i++) {
                    if (buffer[i] == '\n') {
                        line.write(buffer, pos, i - pos);
                        pos = i + 1;
                        terminated = true;
                        return line.toByteArray();
                    }
                }
                line.write(buffer, pos, limit - pos);
                pos = limit;
            }
        }

        /** Whether the line {@link #next} returned last ended with a newline (a torn last line does not). */
        boolean terminated() {
            return terminated;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
