package org.mailprobe.probes.watch;

import jakarta.mail.AuthenticationFailedException;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.eclipse.angus.mail.pop3.POP3Message;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.OAuthLogin;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.internal.ReadLimits;
import org.mailprobe.probes.oauth.OAuthSasl;
import org.mailprobe.probes.token.ProbeHeaders;
import org.mailprobe.probes.token.TokenSigner;
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
    /**
     * Our measured probes whose deletion is not yet confirmed by their absence, by UIDL. Only a
     * hint: a UIDL can come back on another message (a server bug, or a QUIT that did not go
     * through and a reused id), so each is read and verified again before a DELE.
     */
    private final Map<String, ProbeToken> toDelete = new HashMap<>();
    /** Our probes reported before a read-only path (webmail) saw them: deleted once finished. */
    private final DeferredDeletions<String> deferred = new DeferredDeletions<>();
    /** {@code deferred.size()}, for other threads; a poll updates it. */
    private volatile int kept;
    /**
     * Probes flagged for DELE in this session, for other threads. POP3 deletes only at QUIT, so a
     * measured probe counts as kept from its report until the session has closed: a one-shot
     * probe that exits before would leave it in the mailbox. Written only by the watcher thread.
     */
    private volatile int awaitingQuit;
    /** See {@link #skipMailPresentAtStart()}; set before the watcher starts. */
    private volatile boolean skipPresentAtStart;
    /** No session has listed the mailbox yet. Touched only by the watcher thread. */
    private boolean firstListing = true;

    /**
     * @throws IllegalArgumentException if the account signs in with OAUTHBEARER, which Angus Mail's
     *     POP3 client cannot speak (XOAUTH2 and AUTO can)
     */
    public Pop3ArrivalWatcher(WatchSettings settings, TokenSigner signer, ArrivalListener listener, ProbeClock clock) {
        super(settings, signer, listener, clock, logger);
        OAuthLogin oauth = settings.account().oauth();
        if (oauth != null) {
            OAuthSasl.configure(new java.util.Properties(), "pop3", oauth.mechanism()); // fails now, not per poll
        }
    }

    @Override
    public AccessPath path() {
        return AccessPath.POP3;
    }

    /**
     * Takes the messages listed by the first session as old: never read (no TOP), never reported.
     * For a one-shot probe, whose message is sent only after this watcher's first poll (it waits
     * before DATA until every watcher is ready), so none of them can be it; a mailbox of thousands
     * of other messages then costs one UIDL listing, not a TOP each. The running agent does not
     * call it: after a restart it still looks for its probes in flight among what is there.
     * Call before {@link #start()}.
     */
    public void skipMailPresentAtStart() {
        skipPresentAtStart = true;
    }

    @Override
    void watch() throws MessagingException, IOException {
        long started = System.nanoTime();
        poll();
        connectedWell();
        pause(settings.pollInterval().minus(Duration.ofNanos(System.nanoTime() - started)));
    }

    private void poll() throws MessagingException, IOException {
        try {
            session();
        } finally {
            awaitingQuit = 0; // QUIT sent (or the session lost: the next one finds the probe again)
        }
    }

    /**
     * One session. {@code DELE n} is sent only for a message n whose header was read by TOP and
     * whose token verified in this very session, and whose UIDL no other message in this
     * session's listing shares: message numbers are valid for one session only (RFC 1939 7), and
     * a UIDL is all that ties a number to what we measured before.
     */
    private void session() throws MessagingException, IOException {
        POP3Folder folder = signIn("pop3", this::openInbox);
        try (Store store = folder.getStore()) {
            Message[] messages = folder.getMessages();
            FetchProfile uidl = new FetchProfile();
            uidl.add(UIDFolder.FetchProfileItem.UID);
            folder.fetch(messages, uidl); // one UIDL for all
            // A new UIDL in the listing is a message the user can now download: its arrival time.
            // Its token is verified afterwards by TOP, which does not move the time.
            Instant listedAt = clock.now();
            Map<String, Integer> listed = new HashMap<>();
            for (Message m : messages) {
                String id = folder.getUID(m);
                if (id == null) {
                    throw new MessagingException("the POP3 server offers no UIDL, so new messages cannot be told "
                            + "from old ones");
                }
                listed.merge(id, 1, Integer::sum);
            }
            boolean deleting = false;
            boolean old = skipPresentAtStart && firstListing;
            // Kept probes now finished on every path join those to delete (checked in the loop below).
            deferred.due(this::mayDeleteNow).forEach(due -> toDelete.put(due.getKey(), due.getValue()));
            for (Message m : messages) {
                String id = folder.getUID(m);
                boolean unique = Integer.valueOf(1).equals(listed.get(id));
                ProbeToken measured = toDelete.get(id);
                if (measured != null) {
                    // Measured: now finished on every path, or in an earlier session whose QUIT did not go through.
                    if (unique && measured.equals(token(header(m)).orElse(null))) {
                        m.setFlag(Flags.Flag.DELETED, true);
                        awaitingQuit = awaitingQuit + 1;
                        deleting = true;
                    } else if (!unique) {
                        refuse(measured, id);
                    } else {
                        toDelete.remove(id); // the id now names another message: ours is gone
                    }
                } else if (!seen.contains(id)) {
                    seen.add(id);
                    if (!old) {
                        deleting |= examine((POP3Message) m, id, unique, listedAt);
                    }
                }
            }
            deferred.retain(listed.keySet());
            kept = deferred.size();
            seen.retainAll(listed.keySet());
            toDelete.keySet().retainAll(listed.keySet());
            // close(true) sends DELE for exactly the messages flagged above, then QUIT (RFC 1939 6).
            folder.close(deleting);
            firstListing = false;
        }
    }

    /**
     * Opens the mailbox (STAT). Angus Mail's POP3 XOAUTH2 takes a server's error challenge for a
     * refused token ({@code + <base64 JSON>}, as Dovecot sends) for success and never answers it;
     * the server then reads our next command, this STAT, as the answer and refuses the login with
     * {@code -ERR [AUTH]} (RFC 3206). That is the sign-in refused, not a protocol error: said as
     * such, so that {@link #signIn} tries once more with a fresh token and the reason is auth.
     */
    private POP3Folder openInbox(Store store) throws MessagingException {
        POP3Folder folder = (POP3Folder) store.getFolder(INBOX);
        try {
            folder.open(Folder.READ_WRITE);
        } catch (MessagingException e) {
            if (settings.account().usesOAuth() && authResponseCode(e)) {
                throw new AuthenticationFailedException("the POP3 server refused the sign-in at its first command "
                        + "(-ERR [AUTH])", e);
            }
            throw e;
        }
        return folder;
    }

    private static boolean authResponseCode(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("[AUTH]")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int keptForDeletion() {
        // settling() first: the watcher raises the others before it lowers settling, so a reader
        // that sees settling already lowered then sees the others raised.
        return settling() + kept + awaitingQuit;
    }

    /** Reads and verifies a new message; flags it for DELE if it is our measured probe. */
    private boolean examine(POP3Message m, String id, boolean unique, Instant seenAt)
            throws MessagingException, IOException {
        InternetHeaders headers = header(m);
        Optional<ProbeToken> token = token(headers);
        if (token.isEmpty()) {
            return false; // not ours: never reported, never touched
        }
        logger.debug("A probe was seen. mailbox={} uidl={} probe={}", mailbox(), id, token.get().key());
        try {
            boolean delete = report(new Arrival(token.get(), AccessPath.POP3, mailbox(), seenAt, null,
                    ProbeHeaders.received(headers.getHeader(ProbeHeaders.RECEIVED))), true); // each poll logs in anew
            if (delete && !unique) {
                refuse(token.get(), id);
                return false;
            }
            if (delete) {
                toDelete.put(id, token.get());
                m.setFlag(Flags.Flag.DELETED, true); // local until QUIT: DELE for this one only
                awaitingQuit = awaitingQuit + 1; // before settled() below, so the count never dips
                return true;
            }
            if (deferrable(token.get())) {
                deferred.keep(id, token.get());
            }
            return false;
        } finally {
            settled(token.get());
        }
    }

    private void refuse(ProbeToken token, String id) {
        toDelete.remove(id);
        logger.warn("A measured probe is not deleted: another message in the mailbox has the same UIDL, so "
                + "its number may name the other one. mailbox={} uidl={} probe={}", mailbox(), id, token.key());
        cleanupFailed(token, "another message in the mailbox has the same UIDL");
    }

    /** The message's header block by TOP, at most {@link ReadLimits#MAX_TOP}; a refused TOP fails the poll. */
    private InternetHeaders header(Message m) throws MessagingException, IOException {
        limitNextResponse(ReadLimits.MAX_TOP);
        InputStream top = ((POP3Message) m).top(0);
        if (top == null) {
            throw new MessagingException("the POP3 server refused TOP; mailprobe does not fall back to RETR, "
                    + "which may mark mail read");
        }
        try (top) {
            return new InternetHeaders(top);
        }
    }

    private Optional<ProbeToken> token(InternetHeaders headers) {
        return ProbeHeaders.token(signer, headers.getHeader(TokenSigner.HEADER));
    }
}
