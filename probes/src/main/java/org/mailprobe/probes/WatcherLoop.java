package org.mailprobe.probes;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
     * and IMAP IDLE (which ignores the read timeout) by the IMAP watcher's waker.
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
    private Instant lostAt;
    /** The current connection's blind gap if it was made after a loss, else null. */
    private Arrival.Blind blind;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final String threadName;
    private Thread thread;
    private volatile Store store;
    private volatile boolean healthy;

    WatcherLoop(WatchSettings settings, TokenSigner signer, ArrivalListener listener, Logger logger) {
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
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
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

    /** A connected, logged-in store for {@code base} ("imap" or "pop3"), remembered for close(). */
    final Store connect(String base) throws MessagingException {
        Instant now = ProbeClock.system().now();
        Properties props = MailSessions.properties(base, settings.endpoint(), settings.tls(), settings.timeouts(),
                settings.localHost(), now, now.plus(NO_DEADLINE));
        Session session = MailSessions.session(props);
        Store s = session.getStore(MailSessions.protocol(base, settings.endpoint().tlsMode()));
        store = s;
        s.connect(settings.endpoint().host(), settings.endpoint().port(), settings.account().user(),
                settings.account().password().reveal());
        blind = lostAt == null ? null : new Arrival.Blind(lostAt, ProbeClock.system().now());
        return s;
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
        long left = Duration.between(ProbeClock.system().now(), until).toNanos();
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
        Reason reason = FailureClassifier.classify(e);
        if (lostAt == null) {
            lostAt = ProbeClock.system().now();
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

    private void closeStore() {
        Store s = store;
        store = null;
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

    @Override
    public final void close() {
        closing.countDown();
        wake();
        try {
            stopping();
            // Closing the store from here ends an IDLE or a blocked command now rather than when the
            // watcher thread next looks. On a server that has gone silent the close itself may wait
            // for a read timeout, so it runs on a helper thread that we wait for only briefly.
            Store s = store;
            if (s != null) {
                Thread closer = new Thread(() -> closeQuietly(s), threadName + "-close");
                closer.setDaemon(true);
                closer.start();
                closer.join(CLOSE_WAIT.toMillis());
            }
            Thread t;
            synchronized (this) {
                t = thread;
            }
            if (t != null && t != Thread.currentThread()) {
                t.join(CLOSE_WAIT.toMillis());
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
