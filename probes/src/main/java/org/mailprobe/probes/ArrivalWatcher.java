package org.mailprobe.probes;

/**
 * Watches one mailbox on one access path for probe messages, on a thread of its own, until
 * closed. A watcher never throws for a network fault: it reports it to its listener and
 * reconnects with backoff.
 */
public interface ArrivalWatcher extends AutoCloseable {
    /** Starts the watcher's thread; returns at once. */
    void start();

    AccessPath path();

    /** {@code user@host:port/folder}, no secret. */
    String mailbox();

    /** True while the watcher holds a working connection (IMAP) or its last poll succeeded (POP3). */
    boolean healthy();

    /**
     * A probe is on its way to this mailbox until {@code until} (replacing any earlier call; a
     * past instant means none is). A watcher may look more often meanwhile, to date the arrival
     * more exactly; the default does nothing. Returns at once; never throws.
     */
    default void expectArrival(java.time.Instant until) {}

    /**
     * The watcher's server is reachable again (its reachability check passes again): a watcher
     * waiting to reconnect tries at once rather than at the end of its back-off. Returns at once;
     * never throws.
     */
    default void reconnectNow() {}

    /**
     * How many of our probes this watcher keeps to delete once the listener lets it (seen here
     * before the other paths); 0 for a watcher that never deletes. A one-off probe waits for 0
     * before it exits, so it leaves no probe behind.
     */
    default int keptForDeletion() {
        return 0;
    }

    /**
     * Why this watcher does not delete measured probes although deletion is configured (an IMAP
     * server without UIDPLUS); empty when it does, or is not meant to.
     */
    default java.util.Optional<String> deletionDisabled() {
        return java.util.Optional.empty();
    }

    /** Deletes the kept probes the listener now lets it delete at its next chance, not its next look. */
    default void deleteKeptSoon() {}

    /** Stops the thread and closes the connection within a few seconds. Never throws. */
    @Override
    void close();
}
