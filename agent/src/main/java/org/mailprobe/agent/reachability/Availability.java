package org.mailprobe.agent.reachability;

import java.util.Locale;

/** How a stretch of time is accounted for contract clause 2. */
public enum Availability {
    /** The endpoint's last check passed. */
    UP,
    /** The last check failed (after its retries) while the control targets were reachable: the provider's fault. */
    DOWN,
    /** Inside an announced maintenance window (clause 8c), whatever the checks said; they go on and are recorded. */
    EXCLUDED,
    /** Not known to be the provider's fault: no check has finished yet, or every control target failed too. */
    UNKNOWN;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
