package org.mailprobe.probes.reachability;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Stage;

/**
 * What one reachability check found.
 *
 * @param reason {@link Reason#NONE} if every asked stage passed
 * @param failedStage the stage in progress when it failed; null on success
 * @param started when the check began (before the DNS lookup), agent clock
 * @param finished when it passed or failed, agent clock
 * @param stages how long each stage that ran took
 * @param certificateNotAfter the server certificate's expiry, if a TLS handshake completed; else null
 * @param lastReply the server's last line, as evidence (truncated); may be empty
 * @param detail for humans on failure, without secrets; empty on success
 */
public record ReachabilityResult(Reason reason, @Nullable Stage failedStage, Instant started, Instant finished,
        Map<Stage, Duration> stages, @Nullable Instant certificateNotAfter, String lastReply, String detail) {
    public ReachabilityResult {
        stages = Collections.unmodifiableMap(stages.isEmpty() ? new EnumMap<>(Stage.class) : new EnumMap<>(stages));
        lastReply = lastReply == null ? "" : lastReply;
        detail = detail == null ? "" : detail;
    }

    public boolean succeeded() {
        return reason == Reason.NONE;
    }
}
