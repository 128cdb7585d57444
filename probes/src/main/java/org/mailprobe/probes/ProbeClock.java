package org.mailprobe.probes;

import java.time.Instant;
import java.time.InstantSource;

/**
 * The clock every timestamp that enters a delay is read from: a source whose readings never go
 * backwards and whose difference is the time that passed, so a delay computed from two of them is
 * immune to NTP steps between them. The {@link #system()} clock is wall time read once, then
 * advanced by {@link System#nanoTime()}.
 *
 * <p>It is passed in, never reached for: a program calls {@link #system()} once where it wires its
 * parts, and a test gives a fixed or stepping clock (a lambda) to see exactly what a part dates.
 * A part that dates evidence (stage stamps, arrivals, the sink's stamps, blind intervals) takes
 * this type, which says the readings are the anchored ones; a part that only needs "now" for a
 * deadline or an expiry takes an {@link InstantSource}, and is given the same clock, so that its
 * deadlines sit on the timeline of the instants they are compared with.
 */
@FunctionalInterface
public interface ProbeClock extends InstantSource {
    /** The program's anchored clock; the same one on every call. */
    static ProbeClock system() {
        return AnchoredClock.SYSTEM;
    }

    /** The current instant, as {@link #instant()}: the name the probes read it by. */
    default Instant now() {
        return instant();
    }
}
