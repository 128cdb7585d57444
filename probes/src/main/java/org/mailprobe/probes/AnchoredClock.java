package org.mailprobe.probes;

import java.time.Instant;

/** Wall time read once, then advanced by {@link System#nanoTime()}: the {@link ProbeClock#system()} clock. */
final class AnchoredClock implements ProbeClock {
    static final AnchoredClock SYSTEM = new AnchoredClock();

    private final Instant anchorWall;
    private final long anchorNanos;

    private AnchoredClock() {
        this.anchorWall = Instant.now();
        this.anchorNanos = System.nanoTime();
    }

    @Override
    public Instant instant() {
        return anchorWall.plusNanos(System.nanoTime() - anchorNanos);
    }
}
