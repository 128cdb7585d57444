package org.mailprobe.agent.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.mailprobe.probes.ProbeToken;

/**
 * One probe route: who sends to whom through which server, how often, and where to look.
 *
 * @param name unique, in every probe token and a metric label; matches {@link ProbeToken#ID}
 * @param kind what the route measures
 * @param from the account that submits (envelope and header sender)
 * @param submitVia the SMTP server probes are submitted to
 * @param to the account whose address receives the probes
 * @param interval time between probes
 * @param jitter each probe starts up to this much late, so agents do not fire in step; below
 *     {@code interval}
 * @param timeout a probe not seen on a path by then is lost on that path
 * @param watches where to look for the probes, at least one
 */
public record RouteConfig(String name, RouteKind kind, AccountConfig from, ServerConfig submitVia, AccountConfig to,
        Duration interval, Duration jitter, Duration timeout, List<WatchConfig> watches) {
    public RouteConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(submitVia, "submitVia");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(jitter, "jitter");
        Objects.requireNonNull(timeout, "timeout");
        watches = List.copyOf(watches);
        if (!ProbeToken.ID.matcher(name).matches()) {
            throw new IllegalArgumentException("route name '" + name + "' must match " + ProbeToken.ID.pattern());
        }
        if (submitVia.protocol() != Protocol.SMTP) {
            throw new IllegalArgumentException("submitVia " + submitVia.name() + " is not an SMTP server");
        }
        if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("interval and timeout must be positive");
        }
        if (jitter.isNegative() || jitter.compareTo(interval) >= 0) {
            throw new IllegalArgumentException("jitter must be at least 0 and less than the interval");
        }
        if (watches.isEmpty()) {
            throw new IllegalArgumentException("a route needs at least one watch");
        }
    }
}
