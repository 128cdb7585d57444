package org.mailprobe.probes.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Enforces a probe's overall deadline: at the deadline it runs an abort action (closing the
 * dialogue's sockets) from its own thread. Per-read timeouts alone cannot bound a server that
 * trickles one byte at a time, nor an IMAP IDLE.
 */
public final class Watchdog {
    private static final ScheduledExecutorService TIMER =
            Executors.newSingleThreadScheduledExecutor(MailSessions.daemonThreads("mailprobe-watchdog"));

    private Watchdog() {}

    /** Runs {@code abort} at {@code deadline} unless the returned handle is closed first. */
    public static Armed arm(Instant now, Instant deadline, Runnable abort) {
        long millis = Math.max(0, Duration.between(now, deadline).toMillis());
        ScheduledFuture<?> future = TIMER.schedule(abort, millis, TimeUnit.MILLISECONDS);
        return () -> future.cancel(false);
    }

    /** A pending abort; closing it disarms it. */
    @FunctionalInterface
    public interface Armed extends AutoCloseable {
        @Override
        void close();
    }
}
