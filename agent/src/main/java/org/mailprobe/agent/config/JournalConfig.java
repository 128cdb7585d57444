package org.mailprobe.agent.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The evidence journal (docs/DESIGN.md section 4, issue 7).
 *
 * @param dir where the segments are written
 * @param rotation how often a new segment is started
 * @param retention how long a finished segment is kept; never less than {@link Defaults#MIN_JOURNAL_RETENTION}
 * @param fsyncInterval zero: every record is forced to disk before it counts; else the longest a
 *     written record may wait for its fsync (a power cut may lose that much; a killed process loses nothing)
 */
public record JournalConfig(Path dir, Rotation rotation, Duration retention, Duration fsyncInterval) {
    public JournalConfig {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(rotation, "rotation");
        if (retention.compareTo(Defaults.MIN_JOURNAL_RETENTION) < 0) {
            throw new IllegalArgumentException("retention must be at least " + Durations.format(
                    Defaults.MIN_JOURNAL_RETENTION));
        }
    }

    /** A journal in {@code dir} with every default. */
    public static JournalConfig defaults(Path dir) {
        return new JournalConfig(dir, Defaults.JOURNAL_ROTATION, Defaults.JOURNAL_RETENTION,
                Defaults.JOURNAL_FSYNC_INTERVAL);
    }

    public boolean fsyncEveryRecord() {
        return fsyncInterval.isZero();
    }

    /** How often a new segment begins; segments are named by the UTC start of their period. */
    public enum Rotation {
        DAILY("yyyyMMdd"),
        HOURLY("yyyyMMdd'T'HH");

        private final String pattern;

        Rotation(String pattern) {
            this.pattern = pattern;
        }

        public String pattern() {
            return pattern;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
