package org.mailprobe.probes;

import java.time.Duration;
import java.time.Instant;

/**
 * The agent's one clock: wall time read once, then advanced by {@link System#nanoTime()}, so a
 * delay computed from two of its readings is immune to NTP steps between them. Every timestamp
 * that enters a delay comes from here.
 */
public final class ProbeClock {
    private static final ProbeClock SYSTEM = new ProbeClock();

    private final Instant anchorWall;
    private final long anchorNanos;

    private ProbeClock() {
        this.anchorWall = Instant.now();
        this.anchorNanos = System.nanoTime();
    }

    public static ProbeClock system() {
        return SYSTEM;
    }

    public Instant now() {
        return anchorWall.plusNanos(System.nanoTime() - anchorNanos);
    }

    /** How far the anchored clock has drifted from the wall clock now (positive: we are ahead). */
    public Duration offsetFromWall() {
        return Duration.between(Instant.now(), now());
    }
}
