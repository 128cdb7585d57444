package org.mailprobe.agent.runtime;

import java.time.Instant;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.submit.HoldBeforeData;
import org.mailprobe.probes.submit.SubmissionResult;

/**
 * How a route hands a probe to the provider: by submission (loop and send legs) or as a source
 * MTA to the provider's MX (receive leg). Either way the result's accepted time, the provider's
 * 250 after DATA on the agent's clock, is where every delay of the probe starts.
 */
@FunctionalInterface
public interface ProbeSender {
    /** Hands the probe over, its dialogue held before DATA by {@code hold} ({@link HoldBeforeData#NONE}: not held). */
    SubmissionResult send(String from, String to, ProbeToken token, Instant deadline, HoldBeforeData hold);
}
