package org.mailprobe.agent.config;

import java.time.Duration;
import java.util.Objects;
import org.mailprobe.probes.reachability.ReachabilitySettings;

/**
 * A checked endpoint (under {@code endpoints:}) or control target (under {@code controls:}).
 *
 * @param name the key; a metric label
 * @param check what to check and how far (greeting, login)
 * @param interval time between checks, at least {@link Defaults#MIN_INTERVAL}
 * @param timeout the deadline of one attempt, at most {@code interval}
 * @param retries immediate retries before a check counts as failed
 * @param required whether its being down makes its services down (always false for a control)
 */
public record EndpointConfig(String name, ReachabilitySettings check, Duration interval, Duration timeout, int retries,
        boolean required) {
    public EndpointConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("interval and timeout must be positive");
        }
        if (retries < 0) {
            throw new IllegalArgumentException("retries must be at least 0");
        }
    }
}
