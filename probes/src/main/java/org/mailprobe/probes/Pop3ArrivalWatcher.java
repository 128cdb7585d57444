package org.mailprobe.probes;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.eclipse.angus.mail.pop3.POP3Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a POP3 mailbox for probes. A POP3 session sees the mailbox as it was at login, so each poll
 * is a fresh login. Messages are told apart by UIDL; only new ones are looked at, by TOP (headers
 * only). Never RETR: it marks mail read on some servers, and Angus falls back to it for headers
 * when the server's CAPA omits TOP (GreenMail's does), so TOP is issued here directly.
 */
public final class Pop3ArrivalWatcher extends WatcherLoop {
    private static final Logger logger = LoggerFactory.getLogger(Pop3ArrivalWatcher.class);
    private static final String INBOX = "INBOX";

    // Touched only by the watcher thread. Both are cut down each poll to the UIDLs still present.
    /** UIDLs already looked at. */
    private final Set<String> seen = new HashSet<>();
    /** Our measured probes whose deletion is not yet confirmed by their absence. */
    private final Set<String> toDelete = new HashSet<>();
    /** Our probes reported before a read-only path (webmail) saw them: deleted once finished. */
    private final DeferredDeletions<String> deferred = new DeferredDeletions<>();
    /** {@code deferred.size()}, for other threads; a poll updates it. */
    private volatile int kept;

    public Pop3ArrivalWatcher(WatchSettings settings, TokenSigner signer, ArrivalListener listener) {
        super(settings, signer, listener, logger);
    }

    @Override
    public AccessPath path() {
        return AccessPath.POP3;
    }

    @Override
    void watch() throws MessagingException, IOException {
        long started = System.nanoTime();
        poll();
        connectedWell();
        pause(settings.pollInterval().minus(Duration.ofNanos(System.nanoTime() - started)));
    }

    private void poll() throws MessagingException, IOException {
        try (Store store = connect("pop3")) {
            POP3Folder folder = (POP3Folder) store.getFolder(INBOX);
            folder.open(Folder.READ_WRITE);
            Message[] messages = folder.getMessages();
            FetchProfile uidl = new FetchProfile();
            uidl.add(UIDFolder.FetchProfileItem.UID);
            folder.fetch(messages, uidl); // one UIDL for all
            // A new UIDL in the listing is a message the user can now download: its arrival time.
            // Its token is verified afterwards by TOP, which does not move the time.
            Instant listedAt = ProbeClock.system().now();
            Set<String> present = new HashSet<>();
            boolean deleting = false;
            // Kept probes now finished on every path join those to delete (flagged in the loop below).
            deferred.due(this::mayDeleteNow).forEach(due -> toDelete.add(due.getKey()));
            for (Message m : messages) {
                String id = folder.getUID(m);
                if (id == null) {
                    throw new MessagingException("the POP3 server offers no UIDL, so new messages cannot be told "
                            + "from old ones");
                }
                present.add(id);
                if (toDelete.contains(id)) {
                    // Measured: now finished on every path, or in an earlier session whose QUIT did not go through.
                    m.setFlag(Flags.Flag.DELETED, true);
                    deleting = true;
                } else if (!seen.contains(id)) {
                    boolean delete = examine((POP3Message) m, id, listedAt);
                    seen.add(id);
                    if (delete) {
                        toDelete.add(id);
                        m.setFlag(Flags.Flag.DELETED, true); // local until QUIT: DELE for this one only
                        deleting = true;
                    }
                }
            }
            deferred.retain(present);
            kept = deferred.size();
            seen.retainAll(present);
            toDelete.retainAll(present);
            // close(true) sends DELE for exactly the messages flagged above, then QUIT (RFC 1939 6).
            folder.close(deleting);
        }
    }

    @Override
    public int keptForDeletion() {
        return kept;
    }

    private boolean examine(POP3Message m, String id, Instant seenAt) throws MessagingException, IOException {
        InputStream top = m.top(0);
        if (top == null) {
            throw new MessagingException("the POP3 server refused TOP; mailprobe does not fall back to RETR, "
                    + "which may mark mail read");
        }
        InternetHeaders headers;
        try (top) {
            headers = new InternetHeaders(top);
        }
        Optional<ProbeToken> token = ProbeHeaders.token(signer, headers.getHeader(TokenSigner.HEADER));
        if (token.isEmpty()) {
            return false; // not ours: never reported, never touched
        }
        logger.debug("A probe was seen. mailbox={} uidl={} probe={}", mailbox(), id, token.get().key());
        boolean delete = report(new Arrival(token.get(), AccessPath.POP3, mailbox(), seenAt, null,
                ProbeHeaders.received(headers.getHeader(ProbeHeaders.RECEIVED))), true); // each poll logs in anew
        if (!delete && deferrable(token.get())) {
            deferred.keep(id, token.get());
        }
        return delete;
    }
}
