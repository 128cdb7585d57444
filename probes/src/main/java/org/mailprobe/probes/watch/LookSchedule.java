package org.mailprobe.probes.watch;

import java.time.Duration;

/**
 * When an IMAP watcher ends its IDLE to look for new mail itself ({@code UID FETCH}), counted from
 * the moment looking began, in {@link System#nanoTime()} terms. Each look costs three commands on
 * the one connection (DONE, UID FETCH, IDLE), so looks run only for a while:
 *
 * <ul>
 *   <li>While a probe is expected ({@link #expecting}): every {@link #FIRST} for the first
 *       {@link #FAST_FOR}, because nearly every probe arrives within that and Dovecot tells an
 *       IDLE client of it only about 0.5 s late (a look sees it 20-30 ms after delivery); the
 *       cost is paid only until the probe is seen. After that the wait doubles with each look, up
 *       to {@link #CAP}, until the probe's deadline: looking 40 times a second for the hour a lost
 *       probe is awaited would be 144,000 looks, and once the wait passes about 0.5 s a
 *       Dovecot-like server's IDLE notification dates a slow probe first anyway (so its error is
 *       that server's push delay, not the schedule's). The looks also bound what an IDLE
 *       notification the server never sent can cost (GreenMail sends none for a message stored
 *       while it starts an IDLE: {@code UnannouncedArrival} in the tests).
 *   <li>After the watcher found new mail ({@link #settling}): {@link #FIRST}, doubling, for
 *       {@link #SETTLE_FOR}. Mail comes in bursts, and a message stored just as the watcher's next
 *       IDLE starts may never be announced (GreenMail); the doubling keeps the cost to about six
 *       looks per arrival.
 * </ul>
 *
 * <p>Between probes there is no look at all: only the IDLE refresh reaches the server.
 *
 * @param startNanos when looking began
 * @param untilNanos when it ends (no look at or after it)
 * @param fastNanos how long looks run every {@link #FIRST} before the doubling starts
 */
record LookSchedule(long startNanos, long untilNanos, long fastNanos) {
    static final Duration FIRST = Duration.ofMillis(25);
    static final Duration FAST_FOR = Duration.ofSeconds(5);
    static final Duration CAP = Duration.ofSeconds(4);
    static final Duration SETTLE_FOR = Duration.ofSeconds(1);

    /** For a probe expected from {@code now} until {@code untilNanos}. */
    static LookSchedule expecting(long now, long untilNanos) {
        return new LookSchedule(now, untilNanos, FAST_FOR.toNanos());
    }

    /** For the short while after the watcher found new mail at {@code now}. */
    static LookSchedule settling(long now) {
        return new LookSchedule(now, now + SETTLE_FOR.toNanos(), 0);
    }

    /**
     * When to look next, seen at {@code now} (an IDLE just began): {@link #FIRST} later in the fast
     * phase, then as long again as the time since the fast phase ended (so the wait doubles), at
     * most {@link #CAP}; {@link Long#MAX_VALUE} when no look falls before the end.
     */
    long nextLookAt(long now) {
        long sinceFast = now - startNanos - fastNanos;
        long wait = Math.min(CAP.toNanos(), Math.max(FIRST.toNanos(), sinceFast));
        long at = now + wait;
        return at - untilNanos < 0 ? at : Long.MAX_VALUE;
    }

    /** Whether looking is over at {@code now}. */
    boolean over(long now) {
        return now - untilNanos >= 0;
    }
}
