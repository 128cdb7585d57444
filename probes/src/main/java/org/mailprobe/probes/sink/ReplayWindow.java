package org.mailprobe.probes.sink;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.mailprobe.probes.ProbeToken;

/**
 * How long after it was sent the sink accepts a probe token, and how many accepted tokens it
 * remembers to refuse a second delivery. A token is only worth replaying while it is young: past
 * its route's timeout the probe is already counted lost, so the window is that timeout.
 *
 * @param fallback the window for a route the sink does not know (a sink run on its own; default 1 h,
 *     the contract's longest delay)
 * @param futureSkew how far in the future a send time may lie, for the sender's clock running
 *     ahead of ours (default 5 min)
 * @param routes the window of each route the sink knows, by route name (its timeout)
 * @param capacity the most tokens remembered; beyond it the oldest are forgotten first (default
 *     100,000: a few MiB, far above a day of probes at a one-minute schedule)
 */
public record ReplayWindow(Duration fallback, Duration futureSkew, Map<String, Duration> routes, int capacity) {
    public static final Duration DEFAULT_FALLBACK = Duration.ofHours(1);
    public static final Duration DEFAULT_FUTURE_SKEW = Duration.ofMinutes(5);
    public static final int DEFAULT_CAPACITY = 100_000;

    public ReplayWindow {
        Objects.requireNonNull(fallback, "fallback");
        Objects.requireNonNull(futureSkew, "futureSkew");
        routes = Map.copyOf(routes);
        if (fallback.isNegative() || fallback.isZero() || futureSkew.isNegative()) {
            throw new IllegalArgumentException("the replay window must be positive and the skew not negative");
        }
        if (routes.values().stream().anyMatch(d -> d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException("every route's replay window must be positive");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
    }

    /** A one-hour window for every route, five minutes of skew, 100,000 tokens remembered. */
    public static ReplayWindow defaults() {
        return new ReplayWindow(DEFAULT_FALLBACK, DEFAULT_FUTURE_SKEW, Map.of(), DEFAULT_CAPACITY);
    }

    /** The same with these windows per route. */
    public ReplayWindow withRoutes(Map<String, Duration> perRoute) {
        return new ReplayWindow(fallback, futureSkew, perRoute, capacity);
    }

    /** The same with another fallback window and capacity. */
    public ReplayWindow with(Duration otherFallback, int otherCapacity) {
        return new ReplayWindow(otherFallback, futureSkew, routes, otherCapacity);
    }

    /** The window of {@code route}. */
    public Duration of(String route) {
        return routes.getOrDefault(route, fallback);
    }

    /** Whether {@code token} was stamped within its window of {@code now} (and not too far ahead). */
    public boolean fresh(ProbeToken token, Instant now) {
        Instant stamped = token.stampedAt();
        return !stamped.isBefore(now.minus(of(token.route()))) && !stamped.isAfter(now.plus(futureSkew));
    }
}
