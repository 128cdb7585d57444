package org.mailprobe.agent.runtime;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.mailprobe.agent.config.MailboxKey;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.submit.SubmissionResult;

/**
 * A finished probe as observed: its submission and, per watched path, the arrival (null where it was
 * lost). Its figures are computed from it once, by {@link ProbeFigures#of}.
 *
 * @param reason {@link Reason#NONE} when seen on every path; the submission's reason if it failed;
 *     {@link Reason#LOST} if any path timed out
 */
public record ProbeOutcome(String route, String leg, SubmissionResult submission, Map<MailboxKey, Arrival> arrivals,
        Reason reason) {
    public ProbeOutcome {
        arrivals = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(arrivals));
    }
}
