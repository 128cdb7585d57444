package org.mailprobe.agent.runtime;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.MailboxKey;
import org.mailprobe.probes.Arrival;

/**
 * A probe seen on a path after it was declared lost there, with its true delay (seen minus
 * accepted, never negative: it is at least the timeout).
 *
 * @param fromAccount the submitting account, null for a receive route
 * @param toAccount the receiving account
 * @param timeout the route's timeout the probe was lost at
 */
public record LateArrival(String route, String leg, @Nullable String fromAccount, @Nullable String toAccount,
        MailboxKey watch,
        @Nullable Instant accepted, Duration timeout, Arrival arrival) {
    public Duration delay() {
        Duration d = Duration.between(accepted, arrival.seenAt());
        return d.isNegative() ? Duration.ZERO : d;
    }
}
