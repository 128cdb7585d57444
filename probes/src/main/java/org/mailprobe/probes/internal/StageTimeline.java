package org.mailprobe.probes.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Stage;

/**
 * When each stage of one dialogue began, on the agent clock. A stage lasts until the next stage
 * that ran began, or until {@link #end}. Marks may come from another thread (a TLS handshake
 * listener), hence the locking.
 */
public final class StageTimeline {
    private final ProbeClock clock;
    private final EnumMap<Stage, Instant> starts = new EnumMap<>(Stage.class);
    private @Nullable Stage current;
    private @Nullable Instant end;
    /** Where a hold (see {@code submit.HoldBeforeData}) ended the stage it interrupted: that stage, and when. */
    private @Nullable Stage heldIn;
    private @Nullable Instant heldAt;

    public StageTimeline(ProbeClock clock) {
        this.clock = clock;
    }

    /** Marks {@code stage} as begun now, unless it already began (the first mark wins). */
    public synchronized Instant begin(Stage stage) {
        Instant now = clock.now();
        if (!starts.containsKey(stage)) {
            starts.put(stage, now);
        }
        if (current == null || stage.ordinal() > current.ordinal()) {
            current = stage;
        }
        return now;
    }

    /** The latest stage begun: where a failure happened. */
    public synchronized @Nullable Stage current() {
        return current;
    }

    /**
     * Continues the dialogue after {@link #end}: the next attempt of a probe that tries several
     * servers (MX fallback) marks on the same timeline, so its stages span every server tried.
     */
    public synchronized void reopen() {
        end = null;
    }

    /**
     * The dialogue waits (see {@code submit.HoldBeforeData}) from now until the next stage begins: the
     * current stage ends here, and the wait counts in no stage.
     */
    public synchronized void hold() {
        heldIn = current;
        heldAt = clock.now();
    }

    public synchronized Instant end() {
        if (end == null) {
            end = clock.now();
        }
        return end;
    }

    /** Durations in stage order; a mark that arrived late (after the next stage began) counts zero. */
    public synchronized Map<Stage, Duration> durations() {
        Instant finish = end == null ? clock.now() : end;
        Map<Stage, Duration> result = new EnumMap<>(Stage.class);
        Stage[] ran = starts.keySet().toArray(new Stage[0]);
        for (int i = 0; i < ran.length; i++) {
            Instant from = starts.get(ran[i]);
            Instant to = i + 1 < ran.length ? starts.get(ran[i + 1]) : finish;
            if (ran[i] == heldIn && heldAt != null && heldAt.isBefore(to)) {
                to = heldAt;
            }
            Duration d = Duration.between(from, to);
            result.put(ran[i], d.isNegative() ? Duration.ZERO : d);
        }
        return result;
    }
}
