package org.mailprobe.probes.submit;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Stage;

/**
 * What one submission did.
 *
 * @param token the probe's token
 * @param reason {@link Reason#NONE} on success
 * @param failedStage the stage in progress when it failed; null on success
 * @param started when the probe began (before the DNS lookup), agent clock
 * @param accepted the server's 250 after DATA, agent clock: the send timestamp every delay of
 *     this probe starts from; null unless successful
 * @param stages how long each stage took, in dialogue order; only stages that ran
 * @param lastReply the server's last reply line, as evidence (truncated); may be empty
 * @param detail for humans on failure: what went wrong, without secrets; empty on success
 */
public record SubmissionResult(ProbeToken token, Reason reason, @Nullable Stage failedStage, Instant started,
        @Nullable Instant accepted, Map<Stage, Duration> stages, String lastReply, String detail) {
    public SubmissionResult {
        stages = Collections.unmodifiableMap(stages.isEmpty() ? new EnumMap<>(Stage.class) : new EnumMap<>(stages));
        lastReply = lastReply == null ? "" : lastReply;
        detail = detail == null ? "" : detail;
    }

    public boolean succeeded() {
        return reason == Reason.NONE;
    }

    /** Whole submission time: start to 250 after DATA, or to the failure. */
    public Duration total() {
        return stages.values().stream().reduce(Duration.ZERO, Duration::plus);
    }
}
