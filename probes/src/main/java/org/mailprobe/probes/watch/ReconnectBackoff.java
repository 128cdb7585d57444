package org.mailprobe.probes.watch;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How long a watcher waits before reconnecting (issue 12). The first try after a lost connection is
 * at once. After that, while a probe is expected the watcher tries every {@link #IN_FLIGHT_MIN} to
 * {@link #IN_FLIGHT_MAX}, because every second it stays away is a second added to that probe's
 * delay; with nothing expected it backs off from {@link #IDLE_FIRST} doubling to {@link #IDLE_MAX},
 * to spare a server that is down for long. Waits are jittered so that many agents whose provider
 * came back do not all reconnect in the same instant; the jitter only shortens, so the bounds hold.
 * Not thread-safe: one per watcher thread.
 */
final class ReconnectBackoff {
    static final Duration IN_FLIGHT_MIN = Duration.ofSeconds(1);
    static final Duration IN_FLIGHT_MAX = Duration.ofSeconds(2);
    static final Duration IDLE_FIRST = Duration.ofSeconds(1);
    static final Duration IDLE_MAX = Duration.ofSeconds(30);
    /** An idle wait is its doubled base times a factor between this and 1. */
    static final double IDLE_JITTER_FLOOR = 0.75;

    private final DoubleSupplier random;
    private int failures;

    ReconnectBackoff() {
        this(() -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random values in [0, 1) */
    ReconnectBackoff(DoubleSupplier random) {
        this.random = random;
    }

    /** The wait before the next attempt, after one more failure in a row. */
    Duration next(boolean probeExpected) {
        int n = failures;
        failures = Math.min(failures + 1, 64);
        if (n == 0) {
            return Duration.ZERO;
        }
        double r = random.getAsDouble();
        if (probeExpected) {
            long span = IN_FLIGHT_MAX.minus(IN_FLIGHT_MIN).toMillis();
            return IN_FLIGHT_MIN.plusMillis(Math.round(span * r));
        }
        long base = IDLE_FIRST.toMillis() << Math.min(n - 1, 20);
        base = Math.min(base, IDLE_MAX.toMillis());
        return Duration.ofMillis(Math.round(base * (IDLE_JITTER_FLOOR + (1 - IDLE_JITTER_FLOOR) * r)));
    }

    /** A good connection: the next loss is retried at once again. */
    void reset() {
        failures = 0;
    }
}
