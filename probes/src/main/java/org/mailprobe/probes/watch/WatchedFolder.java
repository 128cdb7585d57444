package org.mailprobe.probes.watch;

import java.util.Objects;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.jspecify.annotations.Nullable;

/**
 * One folder of an IMAP watch. Its UIDVALIDITY, the highest UID looked at and the probes kept for
 * deletion outlive a connection, so probes delivered there while the watcher was away are still
 * measured; the open folder and its announcements are the current connection's. Touched only by
 * the watcher thread.
 */
final class WatchedFolder {
    /** As configured: a name, or {@link WatchSettings#SPECIAL_USE_JUNK}. */
    final String configured;
    /** As the server names it on this connection; null while unresolved (no folder marked \Junk). */
    @Nullable String name;
    /** A Junk folder: marked \Junk, or named in the watch's junk folders. */
    boolean junk;
    long uidValidity = -1;
    long lastUid;
    final DeferredDeletions<Long> deferred = new DeferredDeletions<>();
    /** Said once that this folder cannot be watched, until it can again. */
    boolean toldMissing;
    // Per connection.
    @Nullable IMAPFolder open;
    @Nullable Announcements announcements;

    WatchedFolder(String configured) {
        this.configured = configured;
    }

    IMAPFolder folder() {
        return Objects.requireNonNull(open, "an open folder");
    }

    Announcements news() {
        return Objects.requireNonNull(announcements, "announcements");
    }

    String name() {
        return Objects.requireNonNull(name, "a resolved folder");
    }

    /** Starts over in a folder that is now another one (the \Junk mark moved). */
    void renamed(String now) {
        if (name != null && !name.equals(now)) {
            uidValidity = -1;
            lastUid = 0;
            deferred.clear();
        }
        name = now;
    }
}
