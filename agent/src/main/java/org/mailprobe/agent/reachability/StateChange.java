package org.mailprobe.agent.reachability;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One state change of an endpoint or service, as written to the state file.
 *
 * @param time when the new state began: the start of the check that observed it, or a window's edge
 * @param scope {@code endpoint} or {@code service}
 * @param name the endpoint's or service's name
 * @param previous the state before; null for the first record after the agent started
 * @param state the state from {@code time} on
 * @param stage the failing stage, for down and unknown; else empty
 * @param reason the failure's reason, for down and unknown; else empty
 * @param detail for humans: the failure, which endpoint made a service change, or the window's note
 */
public record StateChange(Instant time, String scope, String name, @Nullable Availability previous, Availability state,
        String stage, String reason, String detail) {}
