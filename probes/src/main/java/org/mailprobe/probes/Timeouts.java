package org.mailprobe.probes;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-operation network timeouts. The probe's overall deadline is separate and always applies:
 * these bound a single connect or read, the deadline bounds the whole dialogue.
 */
public record Timeouts(Duration connect, Duration read) {
    /** Connect 10 s, read 30 s. */
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30));

    public Timeouts {
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(read, "read");
        if (connect.isNegative() || connect.isZero() || read.isNegative() || read.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** The smaller of {@code value} and the time left until {@code deadline}, at least 1 ms. */
    public static int millisWithin(Duration value, java.time.Instant now, java.time.Instant deadline) {
        long left = Duration.between(now, deadline).toMillis();
        return (int) Math.max(1, Math.min(value.toMillis(), Math.min(left, Integer.MAX_VALUE)));
    }
}
