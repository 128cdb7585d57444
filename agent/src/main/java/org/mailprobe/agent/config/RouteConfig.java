package org.mailprobe.agent.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.ProbeToken;

/**
 * One probe route: who sends to whom by which way, how often, and where to look.
 *
 * <p>Which fields are set depends on the kind:
 * <ul>
 *   <li>{@code loop}: {@code from}, {@code submitVia}, {@code to}, {@code watches};
 *   <li>{@code send} to the sink: {@code from}, {@code submitVia}, a {@code recipient} in a sink
 *       domain, no watches (the sink sees it);
 *   <li>{@code send} to an external mailbox: as loop, plus {@code estimate};
 *   <li>{@code receive}: a {@code sender} address, {@code direct}, {@code to}, {@code watches}.
 * </ul>
 *
 * @param name unique, in every probe token and a metric label; matches {@link ProbeToken#ID}
 * @param kind what the route measures
 * @param from the account that submits (envelope and header sender); null for receive
 * @param submitVia the SMTP server probes are submitted to; null for receive
 * @param to the account whose address receives the probes; null for a send to the sink
 * @param interval time between probes
 * @param jitter each probe starts up to this much late, so agents do not fire in step; below
 *     {@code interval}
 * @param timeout a probe not seen on a path by then is lost on that path
 * @param watches where to look for the probes; empty only for a send to the sink
 * @param sender the envelope and header sender address
 * @param recipient the envelope and header recipient address
 * @param direct receive only: how the agent delivers to the provider's MX
 * @param estimate send to an external mailbox only: how its Received headers are read
 */
public record RouteConfig(String name, RouteKind kind, @Nullable AccountConfig from, @Nullable ServerConfig submitVia,
        @Nullable AccountConfig to,
        Duration interval, Duration jitter, Duration timeout, List<WatchConfig> watches, String sender,
        String recipient, @Nullable DirectDeliveryConfig direct, @Nullable SendEstimateConfig estimate) {
    public RouteConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(jitter, "jitter");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(recipient, "recipient");
        watches = List.copyOf(watches);
        if (!ProbeToken.ID.matcher(name).matches()) {
            throw new IllegalArgumentException("route name '" + name + "' must match " + ProbeToken.ID.pattern());
        }
        if (kind == RouteKind.RECEIVE) {
            require(direct != null && from == null && submitVia == null && estimate == null,
                    "a receive route delivers directly: no from account, no submit_via, no estimate");
        } else {
            require(from != null && submitVia != null && direct == null, kind.label()
                    + " routes submit from an account through a submission server");
            if (submitVia != null && submitVia.protocol() != Protocol.SMTP) {
                throw new IllegalArgumentException("submitVia " + submitVia.name() + " is not an SMTP server");
            }
        }
        boolean toSink = kind == RouteKind.SEND && estimate == null;
        if (toSink) {
            require(to == null && watches.isEmpty(), "a send route to the sink has no to account and no watches");
        } else {
            require(to != null, "a " + kind.label() + " route needs a to account");
            if (watches.isEmpty()) {
                throw new IllegalArgumentException("a route needs at least one watch");
            }
        }
        require(kind == RouteKind.SEND || estimate == null, "only send routes estimate from Received headers");
        if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("interval and timeout must be positive");
        }
        if (jitter.isNegative() || jitter.compareTo(interval) >= 0) {
            throw new IllegalArgumentException("jitter must be at least 0 and less than the interval");
        }
    }

    /** A loop route. */
    public RouteConfig(String name, RouteKind kind, AccountConfig from, ServerConfig submitVia, AccountConfig to,
            Duration interval, Duration jitter, Duration timeout, List<WatchConfig> watches) {
        this(name, kind, from, submitVia, to, interval, jitter, timeout, watches, from.address(), to.address(), null,
                null);
    }

    /** True for a send route whose probes the agent's sink sees. */
    public boolean toSink() {
        return kind == RouteKind.SEND && estimate == null;
    }

    /** Where the probe is handed to the provider, for people: "submit via host:port (starttls)" etc. */
    public String handOver() {
        if (kind != RouteKind.RECEIVE) {
            return "submit via " + Objects.requireNonNull(submitVia, "checked at construction").endpoint();
        }
        DirectDeliveryConfig direct = Objects.requireNonNull(this.direct, "checked at construction");
        return (direct.via() != null ? "deliver to " + direct.via().endpoint().host() + ":" + direct.via().endpoint().port()
                : "deliver to the MX of " + recipient.substring(recipient.lastIndexOf('@') + 1))
                + (direct.requireStartTls() ? " (STARTTLS required)" : " (STARTTLS if offered)");
    }

    /**
     * The leg label of the delays seen in the route's watched mailboxes: the route's kind, except
     * for a send route to an external mailbox, where that delay is end to end (a loop through two
     * providers) and only the Received-header estimate is a send delay.
     */
    public String watchLeg() {
        return estimate != null ? RouteKind.LOOP.label() : kind.label();
    }

    /** The same route with another timeout. */
    /** The same route watched as {@code newWatches} say (a one-shot probe's quicker polls). */
    public RouteConfig withWatches(List<WatchConfig> newWatches) {
        return new RouteConfig(name, kind, from, submitVia, to, interval, jitter, timeout, newWatches, sender,
                recipient, direct, estimate);
    }

    public RouteConfig withTimeout(Duration newTimeout) {
        return new RouteConfig(name, kind, from, submitVia, to, interval, jitter, newTimeout, watches, sender,
                recipient, direct, estimate);
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalArgumentException(what);
        }
    }
}
