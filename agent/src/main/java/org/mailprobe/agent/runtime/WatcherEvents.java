package org.mailprobe.agent.runtime;

import org.mailprobe.agent.config.MailboxKey;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;

/**
 * What the owner of the {@link Watchers} hears of them besides arrivals: the agent counts it in its
 * metrics ({@link WatcherMetrics}); a one-shot probe prints it, and so loads no metrics registry.
 * Called on a watcher's thread: quick, and never throws.
 */
interface WatcherEvents {
    /** Hears nothing. */
    WatcherEvents NONE = new WatcherEvents() {};

    /** A watcher of {@code watch} was made (before it starts). */
    default void watching(MailboxKey watch) {}

    /** The watcher of {@code watch} failed; it reconnects with back-off. */
    default void failed(MailboxKey watch, Reason reason) {}

    /** A measured probe of ours stays in the mailbox of {@code watch}; {@code why} holds no secret. */
    default void cleanupFailed(MailboxKey watch, ProbeToken token, String why) {}

    /** A webmail listing entry was skipped: {@code oversized} or {@code unparsable}. */
    default void webmailSkipped(String mailbox, String reason) {}

    /** Whether the watcher of {@code watch} holds a working connection now; told every sweep. */
    default void up(MailboxKey watch, boolean up) {}
}
