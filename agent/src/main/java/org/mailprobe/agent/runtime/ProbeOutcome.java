package org.mailprobe.agent.runtime;

import java.time.Duration;
import java.util.Map;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.SubmissionResult;

/**
 * A finished probe: its submission and, per watched path, the arrival (null where it was lost).
 *
 * @param reason {@link Reason#NONE} when seen on every path; the submission's reason if it failed;
 *     {@link Reason#LOST} if any path timed out
 */
public record ProbeOutcome(String route, String leg, SubmissionResult submission, Map<WatchKey, Arrival> arrivals,
        Reason reason) {
    public ProbeOutcome {
        arrivals = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(arrivals));
    }

    /**
     * Delay on one path: arrived minus accepted, where arrived is when seen, or for a probe first seen
     * on a reconnect the instant it is dated with ({@link Arrival#arrivedAt}); null if lost or never
     * submitted.
     */
    public Duration delay(WatchKey key) {
        Arrival a = arrivals.get(key);
        if (a == null || submission.accepted() == null) {
            return null;
        }
        return Duration.between(submission.accepted(), a.arrivedAt(submission.accepted()));
    }
}
