package org.mailprobe.probes;

import java.time.Duration;

/**
 * How long a watcher waits before reconnecting: {@code first}, doubling on each failure in a row
 * up to {@code max}; back to {@code first} after a good connection. Not thread-safe: one per
 * watcher thread.
 */
final class ReconnectBackoff {
    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(60);

    private final Duration first;
    private final Duration max;
    private Duration next;

    ReconnectBackoff(Duration first, Duration max) {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < first <= max");
        }
        this.first = first;
        this.max = max;
        this.next = first;
    }

    /** The wait before the next attempt; doubles the one after. */
    Duration next() {
        Duration now = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return now;
    }

    void reset() {
        next = first;
    }
}
