package org.mailprobe.agent.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;
import org.mailprobe.agent.config.Defaults;

/**
 * When one route probes: a grid point every interval from the route's origin, each probe a random
 * jitter (up to the route's) after its grid point. The origins of N routes are spread evenly over
 * the interval, so that 1,000 routes a minute probe about 60 ms apart rather than in one burst.
 */
final class RouteCadence {
    private final Instant origin;
    private final long intervalMillis;
    private final long jitterMillis;

    private RouteCadence(Instant origin, Duration interval, Duration jitter) {
        this.origin = origin;
        this.intervalMillis = interval.toMillis();
        this.jitterMillis = jitter.toMillis();
    }

    /**
     * Route {@code index} of {@code count}: its origin at {@code base} plus {@code interval * index /
     * count}, plus a random part below one N-th of the interval and below
     * {@link Defaults#MAX_START_RANDOM}, so the order of the routes and the even spread are kept.
     */
    static RouteCadence spread(Instant base, Duration interval, Duration jitter, int index, int count,
            RandomGenerator random) {
        long slot = interval.toMillis() / Math.max(1, count);
        long randomPart = Math.min(slot, Defaults.MAX_START_RANDOM.toMillis());
        long offset = interval.toMillis() * index / Math.max(1, count)
                + (randomPart > 0 ? random.nextLong(randomPart) : 0);
        return new RouteCadence(base.plusMillis(offset), interval, jitter);
    }

    Instant origin() {
        return origin;
    }

    /** The grid point {@code k} plus a random jitter: when that probe is due. */
    Instant due(long k, RandomGenerator random) {
        long jitter = jitterMillis > 0 ? random.nextLong(jitterMillis + 1) : 0;
        return origin.plusMillis(k * intervalMillis + jitter);
    }

    /** The grid point a probe due at {@code due} belongs to. */
    long pointOf(Instant due) {
        return Math.floorDiv(due.toEpochMilli() - origin.toEpochMilli(), intervalMillis);
    }

    /**
     * The first grid point after {@code now}: where the next probe goes once one has finished. A
     * probe that ran past later grid points skips them rather than leaving them to fire in a burst.
     */
    long nextPointAfter(Instant now) {
        return Math.max(0, Math.floorDiv(now.toEpochMilli() - origin.toEpochMilli(), intervalMillis) + 1);
    }
}
