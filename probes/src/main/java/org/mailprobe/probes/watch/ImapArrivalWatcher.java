package org.mailprobe.probes.watch;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.FolderClosedException;
import jakarta.mail.FolderNotFoundException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.StoreClosedException;
import jakarta.mail.UIDFolder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.internal.FailureClassifier;
import org.mailprobe.probes.internal.UidDeletion;
import org.mailprobe.probes.token.ProbeHeaders;
import org.mailprobe.probes.token.TokenSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches an IMAP folder for probes. One connection, the folder open read-write; UIDVALIDITY and
 * the highest UID looked at are kept across reconnects, so probes delivered while we were away are
 * still measured. New mail is awaited with IDLE (RFC 2177) where offered, else by polling.
 *
 * <p>Only headers are fetched (BODY.PEEK, so nothing becomes \Seen). A message without a verifying
 * token is never touched; our own measured probes are deleted by UID, and expunged only by UID
 * EXPUNGE (RFC 4315).
 */
public final class ImapArrivalWatcher extends WatcherLoop {
    private static final Logger logger = LoggerFactory.getLogger(ImapArrivalWatcher.class);
    /** Header fetches per FETCH command, so a first look at a full mailbox stays bounded. */
    private static final int FETCH_BATCH = 100;

    // Kept across connections; touched only by the watcher thread.
    /** The folders watched, the one IDLE waits on first; each keeps its UIDs and deferred deletions. */
    private final List<WatchedFolder> folders = new ArrayList<>();
    private boolean toldNoUidplus;
    /** Why measured probes are not deleted here (no UIDPLUS), for other threads; null when they are. */
    private volatile @Nullable String deletionDisabled;
    /** The probes kept for deletion in every folder, for other threads. */
    private volatile int kept;
    // When the running IDLE ends: its refresh or the next look (LookSchedule). Guarded by timing.
    private final Object timing = new Object();
    private @Nullable IMAPFolder idlingFolder;
    private long idleSinceNanos;
    private long idleGeneration;
    private @Nullable LookSchedule expected;
    private @Nullable LookSchedule settle;
    private @Nullable ScheduledFuture<?> idleEnd;
    private long idleEndAt;

    /** @param clock dates each arrival: the same clock as the probes whose delays they end */
    public ImapArrivalWatcher(WatchSettings settings, TokenSigner signer, ArrivalListener listener, ProbeClock clock) {
        super(settings, signer, listener, clock, logger);
        for (String f : settings.folders()) {
            if (folders.stream().noneMatch(w -> w.configured.equals(f))) {
                folders.add(new WatchedFolder(f));
            }
        }
    }

    @Override
    public AccessPath path() {
        return AccessPath.IMAP;
    }

    /**
     * Looks run from now until {@code until} ({@link LookSchedule#expecting}), starting fast again
     * only for a later deadline: a call that only shortens the wait (another probe to this mailbox
     * was seen) keeps the schedule where it is.
     */
    @Override
    public void expectArrival(Instant until) {
        super.expectArrival(until); // the reconnect policy's part
        long left = Duration.between(clock.now(), until).toNanos();
        long now = System.nanoTime();
        synchronized (timing) {
            if (left <= 0) {
                expected = null; // an end already armed for a look still runs it: one look more
                return;
            }
            long end = now + left;
            expected = expected != null && !expected.over(now) && end - expected.untilNanos() <= 0
                    ? new LookSchedule(expected.startNanos(), end, expected.fastNanos())
                    : LookSchedule.expecting(now, end);
            armIdleEnd(now);
        }
    }

    @Override
    public int keptForDeletion() {
        // settling() first: the watcher raises kept before it lowers settling, so a reader that
        // sees settling already lowered then sees kept raised.
        return settling() + kept;
    }

    /** Ends the IDLE, so that the scan after it deletes what is now due. */
    @Override
    public void deleteKeptSoon() {
        if (kept == 0 || idlingFolder == null) {
            return;
        }
        endIdleSoon(-1);
    }

    @Override
    void stopping() {
        synchronized (timing) {
            cancelIdleEnd();
        }
    }

    /**
     * Every folder but the first is opened on a connection of its own (Angus opens each open folder
     * on its own pooled connection): an IMAP connection has one selected folder (RFC 3501 6.3.1), and
     * selecting the others in turn on the IDLE's connection would cost a SELECT back and forth at
     * every look and leave the first folder unwatched meanwhile. The second connection sends one UID
     * FETCH per IDLE refresh and per look, nothing else, which also keeps it from the server's
     * 30-minute autologout (the refresh is at most 29 minutes).
     */
    @Override
    void watch() throws MessagingException {
        IMAPStore store = (IMAPStore) connect("imap");
        resolve(store);
        List<WatchedFolder> open = new ArrayList<>();
        for (WatchedFolder w : folders) {
            if (w.name == null || (!open.isEmpty() && !opened(store, w))) {
                continue;
            }
            if (open.isEmpty()) {
                openFolder(store, w, this::announced); // the first: a failure is the watch's failure
            }
            open.add(w);
        }
        if (open.isEmpty()) {
            // Only a missing \Junk can leave nothing: the first named folder always opens or fails.
            throw new MessagingException("no folder to watch: the server marks no folder \\Junk");
        }
        IMAPFolder first = open.get(0).folder();
        boolean idle = settings.useIdle() && store.hasCapability("IDLE");
        boolean uidplus = store.hasCapability("UIDPLUS");
        noteUidplus(uidplus);
        connectedWell();
        for (WatchedFolder w : open) {
            logger.info("IMAP watcher connected. mailbox={} folder={} junk={} uidvalidity={} lastUid={} waitBy={} "
                    + "uidplus={}", mailbox(), w.name(), w.junk, w.uidValidity, w.lastUid,
                    w == open.get(0) ? (idle ? "idle" : "poll") : "look", uidplus);
        }
        scanAll(open, uidplus);
        while (!isClosing()) {
            if (idle) {
                idle(first);
            } else if (!pause(settings.pollInterval())) {
                break;
            }
            scanAll(open, uidplus);
        }
        // The base class closes the store; Angus closes the folder with close(false) (UNSELECT, or
        // EXAMINE then CLOSE), which never expunges. close(true) would expunge the user's mail too.
    }

    /**
     * Without UIDPLUS there is no expunge of one message: a plain EXPUNGE (or CLOSE) would also
     * remove every message the user flagged \Deleted but has not expunged. So nothing is flagged at
     * all (a flagged probe left behind is the user's next expunge's business, and hidden by many
     * clients, which is worse than a visible one); said once, and kept for {@link #deletionDisabled()}.
     */
    private void noteUidplus(boolean uidplus) {
        if (uidplus || !settings.deleteAfterMeasure()) {
            deletionDisabled = null;
            return;
        }
        deletionDisabled = "the IMAP server does not offer UIDPLUS (RFC 4315), so measured probes are left in "
                + "the mailbox: a plain EXPUNGE would remove the user's deleted mail too";
        if (!toldNoUidplus) {
            toldNoUidplus = true;
            logger.warn("The IMAP server has no UIDPLUS, so measured probes are not deleted: they stay in the "
                    + "mailbox (a plain EXPUNGE would remove the user's deleted mail too). mailbox={}", mailbox());
        }
    }

    @Override
    public Optional<String> deletionDisabled() {
        return Optional.ofNullable(deletionDisabled);
    }

    /**
     * Names every folder as the server does on this connection. {@code \\Junk} is looked up by its
     * SPECIAL-USE attribute (RFC 6154): {@code LIST (SPECIAL-USE)} where the server announces the
     * extension, else a plain LIST, whose answer some servers mark all the same. A server with no
     * such folder is said once (a log line and a watch failure, reason protocol) and the other
     * folders are watched.
     */
    private void resolve(IMAPStore store) throws MessagingException {
        for (WatchedFolder w : folders) {
            w.open = null; // the last connection's
            w.announcements = null;
        }
        String junk = null;
        boolean wanted = folders.stream().anyMatch(w -> w.configured.equals(WatchSettings.SPECIAL_USE_JUNK));
        if (wanted) {
            junk = SpecialUse.junkFolder(store);
        }
        for (WatchedFolder w : folders) {
            String name = w.configured.equals(WatchSettings.SPECIAL_USE_JUNK) ? junk : w.configured;
            if (name == null) {
                missing(w, "the server marks no folder \\Junk (RFC 6154 SPECIAL-USE)");
                w.name = null;
                continue;
            }
            w.renamed(name);
            w.junk = w.configured.equals(WatchSettings.SPECIAL_USE_JUNK) || settings.junkFolders().contains(name)
                    || settings.junkFolders().contains(w.configured);
        }
    }

    /** Opens a folder after the first; false (said once) if it does not exist. */
    private boolean opened(IMAPStore store, WatchedFolder w) throws MessagingException {
        if (folders.stream().anyMatch(o -> o != w && o.open != null && w.name().equals(o.name))) {
            return false; // the \Junk folder is also named in the list: watched once
        }
        try {
            openFolder(store, w, () -> { }); // never idling: an EXISTS here answers our own command
            w.toldMissing = false;
            return true;
        } catch (FolderNotFoundException e) {
            missing(w, "the folder does not exist");
            return false;
        }
    }

    private void openFolder(IMAPStore store, WatchedFolder w, Runnable onNews) throws MessagingException {
        w.open = null;
        IMAPFolder folder = (IMAPFolder) store.getFolder(w.name());
        folder.open(Folder.READ_WRITE);
        Announcements news = new Announcements(clock, folder.getMessageCount(), onNews);
        folder.doCommand(p -> {
            p.addResponseHandler(news); // after the folder's own handler: it sees Angus's numbering
            return null;
        });
        w.open = folder;
        w.announcements = news;
        resync(w);
    }

    private void missing(WatchedFolder w, String why) {
        if (w.toldMissing) {
            return;
        }
        w.toldMissing = true;
        logger.warn("A folder of the watch cannot be watched; the others are. mailbox={} folder={} why=\"{}\"",
                mailbox(), w.configured, why);
        watchProblem(Reason.PROTOCOL);
    }

    /** Starts over when the server renumbered the folder's UIDs. */
    private void resync(WatchedFolder w) throws MessagingException {
        IMAPFolder folder = w.folder();
        long validity = folder.getUIDValidity();
        long next = folder.getUIDNext();
        // UIDNEXT at or below a UID we saw means renumbering without a new UIDVALIDITY: a server
        // bug (GreenMail derives UIDVALIDITY from the second the folder was made), but cheap to catch.
        if (validity != w.uidValidity || (next > 0 && next <= w.lastUid)) {
            if (w.uidValidity != -1) {
                logger.warn("The folder's UIDs were renumbered; every message is looked at again. "
                        + "mailbox={} folder={} uidvalidity={} was={} uidnext={} lastUid={}",
                        mailbox(), w.name(), validity, w.uidValidity, next, w.lastUid);
            }
            w.uidValidity = validity;
            w.lastUid = 0;
            w.deferred.clear();
            keptChanged();
        }
    }

    private void keptChanged() {
        kept = folders.stream().mapToInt(w -> w.deferred.size()).sum();
    }

    /** One look: the first folder, then each other in turn. */
    private void scanAll(List<WatchedFolder> open, boolean uidplus) throws MessagingException {
        for (WatchedFolder w : open) {
            if (!isClosing()) {
                scanUntilQuiet(w, uidplus);
            }
        }
    }

    /**
     * Scans again while the server announced a message the last scan did not cover: its EXISTS
     * can come with the response to our own UID FETCH, after the data, and the IDLE that follows
     * would not repeat it.
     */
    private void scanUntilQuiet(WatchedFolder w, boolean uidplus) throws MessagingException {
        int arrived = 0;
        do {
            arrived += scan(w, uidplus);
        } while (!isClosing() && w.news().pending());
        deleteDeferred(w, uidplus);
        if (arrived > 0) {
            long now = System.nanoTime();
            synchronized (timing) {
                settle = LookSchedule.settling(now); // see LookSchedule: a burst's next message
            }
        }
    }

    /** Deletes the kept probes that the listener now says are finished. */
    private void deleteDeferred(WatchedFolder w, boolean uidplus) throws MessagingException {
        if (w.deferred.isEmpty()) {
            return;
        }
        IMAPFolder folder = w.folder();
        for (Map.Entry<Long, ProbeToken> due : w.deferred.due(this::mayDeleteNow)) {
            Message m = folder.getMessageByUID(due.getKey());
            if (m != null && !m.isExpunged()) {
                delete(folder, (IMAPMessage) m, due.getKey(), uidplus, due.getValue());
            }
        }
        keptChanged();
    }

    /** Looks at every message above the last UID seen; returns how many of them were announced. */
    private int scan(WatchedFolder w, boolean uidplus) throws MessagingException {
        IMAPFolder folder = w.folder();
        Announcements news = w.news();
        Instant scanStart = clock.now();
        Message[] listed = folder.getMessagesByUID(w.lastUid + 1, UIDFolder.LASTUID);
        Instant listedAt = clock.now();
        // "n:*" always includes the highest UID, even below n (RFC 3501 6.4.8): hence the filter.
        List<Message> fresh = new ArrayList<>();
        Map<Message, Instant> seenAt = new HashMap<>();
        // Never announced: already in the folder when it was selected (issue 12, seen on a reconnect).
        java.util.Set<Message> presentAtSelect = new java.util.HashSet<>();
        int through = 0;
        for (Message m : listed) {
            if (m == null) {
                continue;
            }
            through = Math.max(through, m.getMessageNumber());
            if (folder.getUID(m) > w.lastUid) {
                fresh.add(m);
                // Seen when announced; a message that was there before we selected the folder,
                // when this listing named it. Never later than the listing, never earlier than
                // the announcement: the token is verified afterwards, the time is not moved.
                Optional<Instant> firstSeen = news.firstSeen(m.getMessageNumber());
                if (firstSeen.isEmpty()) {
                    presentAtSelect.add(m);
                }
                Instant announced = firstSeen.orElse(listedAt);
                seenAt.put(m, announced.isAfter(listedAt) ? listedAt : announced);
            }
        }
        news.scanned(through, scanStart);
        FetchProfile profile = new FetchProfile();
        profile.add(UIDFolder.FetchProfileItem.UID);
        profile.add(FetchProfile.Item.FLAGS);
        profile.add(IMAPFolder.FetchProfileItem.INTERNALDATE);
        profile.add(TokenSigner.HEADER);
        profile.add(ProbeHeaders.RECEIVED);
        for (int from = 0; from < fresh.size(); from += FETCH_BATCH) {
            Message[] batch = fresh.subList(from, Math.min(fresh.size(), from + FETCH_BATCH)).toArray(new Message[0]);
            folder.fetch(batch, profile); // BODY.PEEK[HEADER.FIELDS (...)]: nothing becomes \Seen
            for (Message m : batch) {
                examine(w, (IMAPMessage) m, Objects.requireNonNull(seenAt.get(m)), presentAtSelect.contains(m), uidplus);
            }
        }
        return fresh.size() - presentAtSelect.size();
    }

    private void examine(WatchedFolder w, IMAPMessage m, Instant seenAt, boolean presentAtSelect,
            boolean uidplus) throws MessagingException {
        IMAPFolder folder = w.folder();
        long uid = folder.getUID(m);
        // Advanced before the listener runs: a probe is reported once, whatever happens next.
        w.lastUid = Math.max(w.lastUid, uid);
        if (m.isExpunged()) {
            return;
        }
        Optional<ProbeToken> token = ProbeHeaders.token(signer, m.getHeader(TokenSigner.HEADER));
        if (token.isEmpty()) {
            return; // not ours: never reported, never touched
        }
        if (m.isSet(Flags.Flag.DELETED)) {
            // Measured before (a server without UIDPLUS keeps it, see delete()) or deleted by the
            // user; either way not a new arrival.
            logger.debug("A probe already flagged deleted is skipped. mailbox={} folder={} uid={} probe={}",
                    mailbox(), w.name(), uid, token.get().key());
            return;
        }
        Date internalDate = m.getReceivedDate();
        Arrival arrival = new Arrival(token.get(), AccessPath.IMAP, mailbox(), seenAt,
                internalDate == null ? null : internalDate.toInstant(),
                ProbeHeaders.received(m.getHeader(ProbeHeaders.RECEIVED))).inFolder(w.name(), w.junk);
        try {
            if (report(arrival, presentAtSelect)) {
                delete(folder, m, uid, uidplus, token.get());
            } else if (deferrable(token.get())) {
                w.deferred.keep(uid, token.get());
                keptChanged();
            }
        } finally {
            settled(token.get());
        }
    }

    /**
     * Flags one probe \Deleted by UID and expunges it by UID EXPUNGE, as one step that
     * {@link #close()} waits for. Without UIDPLUS nothing is done at all: see {@link #noteUidplus}.
     */
    private void delete(IMAPFolder folder, IMAPMessage m, long uid, boolean uidplus, ProbeToken token)
            throws MessagingException {
        if (!uidplus) {
            cleanupFailed(token, Objects.requireNonNullElse(deletionDisabled, "the server does not offer UIDPLUS"));
            return;
        }
        try {
            UidDeletion.flag(folder, uid);
            folder.expunge(new Message[] {m}); // UID EXPUNGE <uid>
            logger.debug("A measured probe was deleted. mailbox={} uid={} probe={}", mailbox(), uid, token.key());
        } catch (FolderClosedException | StoreClosedException e) {
            cleanupFailed(token, "the connection ended during the deletion: " + FailureClassifier.describe(e));
            throw e;
        } catch (MessagingException e) {
            logger.warn("A measured probe could not be deleted; it stays. mailbox={} uid={} probe={} error={}",
                    mailbox(), uid, token.key(), FailureClassifier.describe(e));
            cleanupFailed(token, "the deletion failed: " + FailureClassifier.describe(e));
        }
    }

    private void idle(IMAPFolder folder) throws MessagingException {
        synchronized (timing) {
            idleGeneration++;
            idlingFolder = folder;
            idleSinceNanos = System.nanoTime();
            idleEndAt = Long.MAX_VALUE;
            armIdleEnd(idleSinceNanos);
        }
        try {
            if (!isClosing()) {
                folder.idle(true); // returns after the first notification, or when endIdle() ends it
            }
        } finally {
            synchronized (timing) {
                idlingFolder = null;
                cancelIdleEnd();
            }
        }
    }

    /**
     * Arms the end of the running IDLE at its refresh or its next look, whichever is first, unless
     * an end at or before that is armed already. Called with {@code timing} held.
     */
    private void armIdleEnd(long now) {
        if (idlingFolder == null) {
            return; // the next IDLE arms its own end
        }
        long at = idleSinceNanos + settings.idleRefresh().toNanos();
        if (expected != null) {
            at = earlier(at, expected.nextLookAt(now));
        }
        if (settle != null) {
            at = earlier(at, settle.nextLookAt(now));
        }
        if (idleEnd != null && idleEndAt - at <= 0) {
            return;
        }
        cancelIdleEnd();
        long generation = idleGeneration;
        try {
            idleEnd = WatcherThreads.TIMER.schedule(() -> endIdleSoon(generation), Math.max(0, at - now),
                    TimeUnit.NANOSECONDS);
            idleEndAt = at;
        } catch (RejectedExecutionException shutDown) {
            logger.debug("The watch timer is shut down; the IDLE ends at its next notification. mailbox={}",
                    mailbox());
        }
    }

    private void cancelIdleEnd() {
        if (idleEnd != null) {
            idleEnd.cancel(false);
            idleEnd = null;
        }
    }

    private static long earlier(long a, long b) {
        return a - b <= 0 ? a : b;
    }

    /**
     * Called as an EXISTS is read. During IDLE, Angus's {@code idle(true)} returns on the first
     * notification by itself, except when the EXISTS comes with the IDLE command's own response,
     * before its continuation (the server tells of mail that arrived since our last command): that
     * one is taken in, and the IDLE waits for the next notification. So the IDLE is ended now; if
     * Angus already ended it, {@link #endIdleSoon} finds it over and does nothing.
     */
    private void announced() {
        long generation;
        synchronized (timing) {
            if (idlingFolder == null) {
                return; // the watcher thread is in a command; it scans again after (announcements.pending())
            }
            generation = idleGeneration;
        }
        endIdleSoon(generation);
    }

    /**
     * Ends the IDLE of {@code generation} (-1: whichever runs) on an {@link WatcherThreads#ENDERS}
     * thread: the DONE waits for the server's answer, which must hold neither the caller (Angus's
     * reader, the shared timer) nor other watchers. The read timeout does not bound IDLE, so this
     * is also how a dead connection is noticed: the DONE gets no answer, the read times out, and the
     * watcher reconnects.
     */
    private void endIdleSoon(long generation) {
        try {
            WatcherThreads.ENDERS.execute(() -> endIdle(generation));
        } catch (RejectedExecutionException shutDown) {
            logger.debug("No thread to end the IDLE; it ends at its next notification. mailbox={}", mailbox());
        }
    }

    private void endIdle(long generation) {
        IMAPFolder folder;
        synchronized (timing) {
            folder = idlingFolder;
            if (folder == null || (generation >= 0 && generation != idleGeneration)) {
                return;
            }
        }
        try {
            // Any command from another thread first ends the IDLE (DONE) and waits for its end;
            // this one then does nothing more. (getMessageCount() would not: it skips its NOOP, and
            // so the DONE, within a second of the last command.)
            folder.doCommand(p -> null);
        } catch (Exception e) {
            logger.debug("Ending an IDLE failed; the watcher thread sees why. mailbox={} error={}", mailbox(),
                    FailureClassifier.describe(e));
        }
    }
}
