package org.mailprobe.probes.submit;

import java.time.Instant;

/**
 * Where a probe's SMTP dialogue waits after the envelope (RCPT TO) and before DATA: a one-shot
 * probe connects its watchers and its submission at the same time, and sends the message only
 * once every watcher is ready, so an arrival is never missed for a watcher still logging in. The
 * wait counts in no stage: the envelope stage ends when the hold begins and DATA begins after it.
 */
@FunctionalInterface
public interface HoldBeforeData {
    /** No hold: DATA follows the envelope at once (the scheduled agent, whose watchers run for good). */
    HoldBeforeData NONE = until -> true;

    /**
     * Blocks until the message may be sent (true), or until {@code until} has passed or the wait
     * is given up (false: the dialogue ends without DATA, the probe not sent).
     */
    boolean awaitReady(Instant until) throws InterruptedException;
}
