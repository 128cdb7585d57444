package org.mailprobe.probes.watch;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.BearerTokens;
import org.mailprobe.probes.OAuthLogin;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TokenException;
import org.mailprobe.probes.internal.BoundedReads;
import org.mailprobe.probes.internal.FailureClassifier;
import org.mailprobe.probes.internal.MailSessions;
import org.mailprobe.probes.internal.ReadLimits;
import org.mailprobe.probes.oauth.OAuthImapStore;
import org.mailprobe.probes.oauth.OAuthSasl;
import org.mailprobe.probes.token.TokenSigner;
import org.slf4j.Logger;

/**
 * What the IMAP, POP3 and webmail watchers share: their daemon thread, the loop that turns every failure
 * into a report to the listener and a reconnect with backoff, the health flag, the listener
 * calls, and a close that does not wait on a blocked read.
 */
abstract class WatcherLoop implements ArrivalWatcher {
    /** How long {@link #close()} waits for the connection to close and the thread to end. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(3);
    /**
     * A watcher runs for good: no overall deadline. Each command is bounded by its own timeout,
     * and IMAP IDLE (which ignores the read timeout) by the IMAP watcher's refresh.
     */
    private static final Duration NO_DEADLINE = Duration.ofDays(1);

    final WatchSettings settings;
    final TokenSigner signer;
    private final ArrivalListener listener;
    private final Logger logger;
    private final ReconnectBackoff backoff = new ReconnectBackoff();
    /** Wakes a reconnect wait: {@link #reconnectNow()}, a probe newly expected, {@link #close()}. */
    private final Object wakeup = new Object();
    private boolean wakeRequested; // guarded by wakeup
    // Until when a probe is expected here (System.nanoTime()); set by expectArrival from other threads.
    private volatile boolean expecting;
    private volatile long expectedUntilNanos;
    // Touched only by the watcher thread.
    /** When the connection was lost; null while it works. Kept through failed retries: the blind gap's start. */
    private @Nullable Instant lostAt;
    /** The current connection's blind gap if it was made after a loss, else null. */
    private Arrival.@Nullable Blind blind;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final String threadName;
    private @Nullable Thread thread;
    private volatile @Nullable Store store;
    /** The read bounds of the current connection; see {@link #connect}. */
    private volatile @Nullable BoundedReads reads;
    private volatile boolean healthy;
    /**
     * Our probes handed to the listener and not yet deleted or kept: counted before the listener
     * hears of them, so a one-shot probe that is told "measured" does not exit (and close the
     * connection) between the STORE and the UID EXPUNGE.
     */
    private final java.util.concurrent.atomic.AtomicInteger settling = new java.util.concurrent.atomic.AtomicInteger();
    /** Dates arrivals and blind gaps, which enter delays: the anchored clock, not just "now". */
    final ProbeClock clock;

    WatcherLoop(WatchSettings settings, TokenSigner signer, ArrivalListener listener, ProbeClock clock,
            Logger logger) {
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
        this.settings = java.util.Objects.requireNonNull(settings, "settings");
        this.signer = java.util.Objects.requireNonNull(signer, "signer");
        this.listener = java.util.Objects.requireNonNull(listener, "listener");
        this.logger = logger;
        this.threadName = "mailprobe-" + path().label() + "-" + settings.account().user();
    }

    /**
     * One connection's work: IMAP watches until closed or failed, POP3 polls once and waits for the
     * next poll. Any exception is a watch failure.
     */
    abstract void watch() throws Exception;

    /** Called once, on the starting thread, just before the watcher's thread starts. */
    void starting() {}

    /** Called once, on the closing thread, before the connection is closed. */
    void stopping() {}

    /**
     * Called once on the watcher's thread when its loop has ended (closed), for a polite goodbye
     * such as a webmail logout; must finish well within {@link #CLOSE_WAIT}.
     */
    void stopped() {}

    @Override
    public final synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("the watcher of " + mailbox() + " was started already");
        }
        if (isClosing()) {
            throw new IllegalStateException("the watcher of " + mailbox() + " is closed");
        }
        starting();
        // One thread per connection, virtual where that is cheap and does not pin: see WatcherThreads.
        thread = WatcherThreads.newThread(threadName, this::run);
        thread.start();
    }

    @Override
    public final String mailbox() {
        return settings.mailboxName();
    }

    @Override
    public final boolean healthy() {
        return healthy;
    }

    final String threadName() {
        return threadName;
    }

    final boolean isClosing() {
        return closing.getCount() == 0;
    }

    /** Waits for {@code time}; false if the watcher was closed meanwhile. */
    final boolean pause(Duration time) {
        if (time.isNegative() || time.isZero()) {
            return !isClosing();
        }
        try {
            return !closing.await(time.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            // Nobody but close() should stop this thread; a stray interrupt costs one short wait.
            logger.warn("The watcher thread was interrupted; it carries on. mailbox={}", mailbox());
            return !isClosing();
        }
    }

    /**
     * A connected, logged-in store for {@code base} ("imap" or "pop3"), remembered for close(). An
     * OAuth account signs in with its current token; a token the server refuses is dropped and the
     * sign-in tried once more, on a new connection, with a fresh one.
     */
    final Store connect(String base) throws MessagingException {
        return signIn(base, s -> s);
    }

    /** The first command after a sign-in; see {@link #signIn}. */
    @FunctionalInterface
    interface FirstCommand<T> {
        T run(Store store) throws MessagingException;
    }

    /**
     * As {@link #connect}, and runs {@code first} on the new store within the same retry: a server
     * may refuse the token only at the first command after the login (see the POP3 watcher), and
     * that too gets one fresh token.
     */
    final <T> T signIn(String base, FirstCommand<T> first) throws MessagingException {
        // The last connection's bounds are over; kept, a failure to get a token would be read as
        // that connection's timeout.
        reads = null;
        Account account = settings.account();
        if (!account.usesOAuth()) {
            return first.run(connectOnce(base, account.password()));
        }
        BearerTokens tokens = Objects.requireNonNull(account.oauth(), "usesOAuth").tokens();
        Instant deadline = clock.now().plus(settings.timeouts().connect()).plus(settings.timeouts().read());
        Secret token = token(tokens, deadline);
        try {
            return first.run(connectOnce(base, token));
        } catch (MessagingException e) {
            BoundedReads r = reads;
            // A refused STARTTLS looks like a refused login to Angus; a new token would not help.
            if (!OAuthSasl.tokenRefused(e) || (startTlsRequired() && r != null && r.startTlsNotLayered())) {
                throw e;
            }
            logger.info("The server refused the access token; signing in once more with a fresh one. path={} "
                    + "mailbox={}", path().label(), mailbox());
            tokens.refused(token);
            closeStore();
            return first.run(connectOnce(base, token(tokens, deadline)));
        }
    }

    private static Secret token(BearerTokens tokens, Instant deadline) throws MessagingException {
        try {
            return tokens.current(deadline);
        } catch (TokenException e) {
            // Carried as the cause: the classifier finds it and says TOKEN.
            throw new MessagingException(e.getMessage(), e);
        }
    }

    private Store connectOnce(String base, Secret secret) throws MessagingException {
        Instant now = clock.now();
        Properties props = MailSessions.properties(base, settings.endpoint(), settings.tls(), settings.timeouts(),
                settings.localHost(), now, now.plus(NO_DEADLINE));
        String protocol = MailSessions.protocol(base, settings.endpoint().tlsMode());
        // Every read from the server bounded in size and, per command, in time: Angus Mail would read
        // a literal of any announced size into memory, and a server trickling bytes resets its read
        // timeout with each one.
        BoundedReads bounded = new BoundedReads(readLimits(base), settings.tls().socketFactory());
        props.put("mail." + protocol + ".socketFactory", bounded.plainFactory());
        props.put("mail." + protocol + ".ssl.socketFactory", bounded.tlsFactory());
        // Without this, a factory that fails is silently replaced by an unbounded plain socket.
        props.setProperty("mail." + protocol + ".socketFactory.fallback", "false");
        OAuthLogin oauth = settings.account().oauth();
        if (oauth != null && !"imap".equals(base)) {
            OAuthSasl.configure(props, protocol, oauth.mechanism());
        }
        reads = bounded;
        Session session = MailSessions.session(props);
        Store s = oauth != null && "imap".equals(base)
                ? new OAuthImapStore(session, settings.endpoint().tlsMode() == TlsMode.IMPLICIT, oauth.mechanism())
                : session.getStore(protocol);
        store = s;
        s.connect(settings.endpoint().host(), settings.endpoint().port(), settings.account().user(), secret.reveal());
        blind = lostAt == null ? null : new Arrival.Blind(lostAt, clock.now());
        return s;
    }

    /**
     * The bounds of one connection's reads. A command's answer must be complete within twice the
     * read timeout. An IMAP IDLE is a command that lasts until the watcher ends it: between probes
     * only at its {@link WatchSettings#idleRefresh()} (quick looks run only while a probe is
     * expected, see {@link LookSchedule}); so the IDLE's own deadline is the refresh plus a read
     * timeout, and every other command keeps twice the read timeout (a greeting trickled a byte a
     * second must not get the IDLE's minutes).
     */
    private ReadLimits readLimits(String base) {
        Duration read = settings.timeouts().read();
        Duration deadline = read.multipliedBy(2);
        if (!"imap".equals(base)) {
            return ReadLimits.pop3(deadline);
        }
        Duration idle = settings.idleRefresh().plus(read);
        boolean longIdle = settings.useIdle() && idle.compareTo(deadline) > 0;
        return ReadLimits.imap(deadline, longIdle ? idle : null);
    }

    /** STARTTLS is required: the watcher never logs in before TLS (see {@link MailSessions#properties}). */
    private boolean startTlsRequired() {
        return settings.endpoint().tlsMode() == TlsMode.STARTTLS;
    }

    /** The answer to the next command on the current connection may be at most {@code bytes}. */
    final void limitNextResponse(long bytes) {
        BoundedReads r = reads;
        if (r != null) {
            r.limitNextResponse(bytes);
        }
    }

    /** The connection works: healthy, and the next loss is retried at once. */
    final void connectedWell() {
        if (lostAt != null && blind != null) {
            logger.info("The watcher is back after a lost connection. path={} mailbox={} blindMs={}",
                    path().label(), mailbox(), blind.gap().toMillis());
        }
        lostAt = null;
        healthy = true;
        backoff.reset();
        synchronized (wakeup) {
            wakeRequested = false;
        }
    }

    @Override
    public void expectArrival(Instant until) {
        long left = Duration.between(clock.now(), until).toNanos();
        boolean before = probeExpected();
        expectedUntilNanos = System.nanoTime() + left;
        expecting = left > 0;
        if (expecting && !before) {
            wake(); // a long idle back-off would date this probe's arrival late
        }
    }

    @Override
    public final void reconnectNow() {
        if (!healthy) {
            wake();
        }
    }

    /** Whether a probe is on its way to this mailbox now ({@link #expectArrival}). */
    final boolean probeExpected() {
        return expecting && System.nanoTime() - expectedUntilNanos < 0;
    }

    private void wake() {
        synchronized (wakeup) {
            wakeRequested = true;
            wakeup.notifyAll();
        }
    }

    /** Waits {@code time} before a reconnect, or less if woken; false if the watcher was closed meanwhile. */
    private boolean awaitRetry(Duration time) {
        long end = System.nanoTime() + time.toNanos();
        synchronized (wakeup) {
            try {
                long left;
                while (!isClosing() && !wakeRequested && (left = end - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.timedWait(wakeup, left);
                }
            } catch (InterruptedException e) {
                logger.warn("The watcher thread was interrupted; it carries on. mailbox={}", mailbox());
            }
            wakeRequested = false;
        }
        return !isClosing();
    }

    /**
     * Hands a verified probe to the listener, marked as seen on a reconnect (with this connection's
     * blind gap) if this connection followed a loss and the probe was already in the mailbox when it
     * was made: it may have arrived while the watcher could not look. See {@link #report(Arrival)}.
     */
    final boolean report(Arrival arrival, boolean presentAtConnect) {
        Arrival.Blind b = blind;
        return report(presentAtConnect && b != null ? arrival.seenOnReconnect(b) : arrival);
    }

    /**
     * Hands a verified probe to the listener. True if the watcher should now delete it: the
     * listener measured it, deletion is configured, and the probe is this agent's own.
     */
    final boolean report(Arrival arrival) {
        if (deferrable(arrival.token())) {
            settling.incrementAndGet(); // until settled(): see the field
        }
        boolean measured;
        try {
            measured = listener.onArrival(arrival);
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable e) {
            logger.warn("The arrival listener threw; the probe is left in place. mailbox={} probe={}",
                    mailbox(), arrival.token().key(), e);
            return false;
        }
        return measured && settings.deleteAfterMeasure()
                && arrival.token().agentId().equals(settings.ownAgentId());
    }

    /**
     * Called by the watcher in a finally after {@link #report} of a {@link #deferrable} probe, once
     * it is deleted, kept for later, or given up.
     */
    final void settled(ProbeToken token) {
        if (deferrable(token)) {
            settling.decrementAndGet();
        }
    }

    /** Probes being deleted right now (see {@link #settled}). */
    final int settling() {
        return settling.get();
    }

    /** Tells the listener that a webmail entry was skipped ({@code oversized}, {@code unparsable}). */
    final void listenerSkipped(String reason) {
        listener.onWebmailSkipped(mailbox(), reason);
    }

    /** Tells the listener that a measured probe of ours stays in the mailbox, and why. */
    final void cleanupFailed(ProbeToken token, String why) {
        try {
            listener.onCleanupFailure(path(), mailbox(), token, why);
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable e) {
            logger.warn("The arrival listener threw on a cleanup failure; ignored. mailbox={}", mailbox(), e);
        }
    }

    /** True if a probe the listener did not let us delete when reported is to be kept and asked about again. */
    final boolean deferrable(ProbeToken token) {
        return settings.deleteAfterMeasure() && token.agentId().equals(settings.ownAgentId());
    }

    /** The listener's {@link ArrivalListener#mayDeleteNow}; false if it throws. */
    final boolean mayDeleteNow(ProbeToken token) {
        try {
            return deferrable(token) && listener.mayDeleteNow(token, path(), mailbox());
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable e) {
            logger.warn("The arrival listener threw; the probe is left in place. mailbox={} probe={}",
                    mailbox(), token.key(), e);
            return false;
        }
    }

    private void run() {
        logger.info("Arrival watcher started. path={} mailbox={}", path().label(), mailbox());
        while (!isClosing()) {
            try {
                watch();
            } catch (VirtualMachineError fatal) {
                healthy = false;
                throw fatal;
            } catch (Throwable e) {
                healthy = false;
                if (!isClosing()) {
                    failed(e);
                }
            } finally {
                closeStore();
            }
        }
        healthy = false;
        try {
            stopped();
        } catch (RuntimeException e) {
            logger.debug("The watcher's goodbye failed. mailbox={} error={}", mailbox(), FailureClassifier.describe(e));
        }
        logger.info("Arrival watcher stopped. path={} mailbox={}", path().label(), mailbox());
    }

    private void failed(Throwable e) {
        BoundedReads r = reads;
        // Angus Mail reports a connection closed under it as the server's BYE, whatever closed it;
        // and a refused STARTTLS as a refused login (we know which: no TLS was layered after it).
        Reason reason = r != null && r.expired() ? Reason.TIMEOUT
                : r != null && startTlsRequired() && r.startTlsNotLayered()
                        ? FailureClassifier.classifyWithoutTlsAfterStartTls(e) : FailureClassifier.classify(e);
        if (lostAt == null) {
            lostAt = clock.now();
        }
        Duration wait = backoff.next(probeExpected());
        if (reason == Reason.INTERNAL) {
            logger.error("The watch failed with an internal error; reconnecting. path={} mailbox={} retryInMs={}",
                    path().label(), mailbox(), wait.toMillis(), e);
        } else {
            logger.warn("The watch failed; reconnecting. path={} mailbox={} reason={} retryInMs={} error={}",
                    path().label(), mailbox(), reason.label(), wait.toMillis(), FailureClassifier.describe(e));
        }
        try {
            listener.onWatchFailure(path(), mailbox(), reason);
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable listenerFault) {
            logger.warn("The arrival listener threw on a watch failure; ignored. mailbox={}", mailbox(),
                    listenerFault);
        }
        awaitRetry(wait);
    }

    /**
     * Tells the listener of a problem of the watch that does not end it (a folder it cannot watch),
     * as a watch failure with {@code reason}: counted where failures are, the connection kept.
     */
    final void watchProblem(Reason reason) {
        try {
            listener.onWatchFailure(path(), mailbox(), reason);
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable listenerFault) {
            logger.warn("The arrival listener threw on a watch problem; ignored. mailbox={}", mailbox(), listenerFault);
        }
    }

    private void closeStore() {
        Store s = store;
        store = null;
        BoundedReads r = reads;
        if (r != null) {
            r.close();
        }
        if (s != null) {
            closeQuietly(s);
        }
    }

    private void closeQuietly(Store s) {
        try {
            s.close();
        } catch (Exception e) {
            logger.debug("Closing the connection failed; it is dropped. mailbox={} error={}", mailbox(),
                    FailureClassifier.describe(e));
        }
    }

    /** A deletion under way (UID STORE then UID EXPUNGE) is one step: close waits for its end. */
    private void awaitSettled(long until) throws InterruptedException {
        while (settling.get() > 0 && System.nanoTime() - until < 0) {
            Thread.sleep(10);
        }
    }

    private static long millisLeft(long until) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()));
    }

    /**
     * Within {@link #CLOSE_WAIT} in all, whatever the server does. It touches only this watcher's
     * state, so an agent closes a thousand watchers at once (each on its own thread) in one
     * {@link #CLOSE_WAIT}, not a thousand.
     */
    @Override
    public final void close() {
        long until = System.nanoTime() + CLOSE_WAIT.toNanos();
        closing.countDown();
        wake();
        try {
            stopping();
            awaitSettled(until);
            // Closing the store from here ends an IDLE or a blocked command now rather than when the
            // watcher thread next looks. On a server that has gone silent the close itself may wait
            // for a read timeout, so it runs on a helper thread that we wait for only briefly.
            Store s = store;
            if (s != null) {
                Thread closer = WatcherThreads.newThread(threadName + "-close", () -> closeQuietly(s));
                closer.start();
                closer.join(millisLeft(until));
            }
            Thread t;
            synchronized (this) {
                t = thread;
            }
            if (t != null && t != Thread.currentThread()) {
                t.join(millisLeft(until));
                if (t.isAlive()) {
                    logger.warn("The watcher thread did not stop in time; it ends at its next read timeout. "
                            + "mailbox={} waitedMs={}", mailbox(), CLOSE_WAIT.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            logger.warn("Closing the watcher failed. mailbox={}", mailbox(), e);
        }
        healthy = false;
    }
}
