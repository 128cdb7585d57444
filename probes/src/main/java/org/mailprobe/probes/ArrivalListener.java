package org.mailprobe.probes;

/**
 * Receives what an {@link ArrivalWatcher} sees. Called on the watcher's own thread; must return
 * quickly and must not throw (a throw is logged and the message is left in place).
 */
public interface ArrivalListener {
    /**
     * A verified probe of ours was seen. Return true when it has been measured and may be deleted;
     * false to leave it (for example, another process's probe).
     */
    boolean onArrival(Arrival arrival);

    /**
     * Asked again, from time to time, by the watcher of {@code path} and {@code mailbox} about a
     * verified probe of this agent for which {@link #onArrival} returned false (e.g. because a
     * read-only path, webmail, had not seen it yet): true once it has been measured on every path
     * and may be deleted now by that watcher. Must be quick.
     */
    default boolean mayDeleteNow(ProbeToken token, AccessPath path, String mailbox) {
        return false;
    }

    /**
     * A measured probe of ours that this watcher would delete stays in the mailbox: {@code why}
     * says why (the server has no UIDPLUS, its UIDL is shared, the deletion failed). Never holds a
     * secret.
     */
    default void onCleanupFailure(AccessPath path, String mailbox, ProbeToken token, String why) {}

    /**
     * A webmail listing entry was skipped without being looked at again: its source was larger than
     * the webmail client reads, or could not be read. {@code reason} is {@code oversized} or
     * {@code unparsable}.
     */
    default void onWebmailSkipped(String mailbox, String reason) {}

    /** The watcher's connection failed; it will reconnect with backoff. */
    default void onWatchFailure(AccessPath path, String mailbox, Reason reason) {}
}
