package org.mailprobe.probes;

import java.time.Instant;

/**
 * One account's OAuth 2.0 access tokens: fetched from its {@code oauth.TokenGrant}, cached until shortly
 * before they expire, refreshed ahead of expiry, and shared by every connection of the account.
 * Thread-safe. No token ever appears in a log, a metric, the journal or an exception message.
 */
public interface BearerTokens extends AutoCloseable {

    /**
     * A token that is not known to be expired, fetching one if none is cached (waiting at most
     * until {@code deadline}).
     *
     * @throws TokenException if no token could be had: the probe fails with {@link Reason#TOKEN}
     */
    Secret current(Instant deadline) throws TokenException;

    /**
     * The mail server refused {@code refused}: forget it, so that the next {@link #current} fetches
     * a fresh one (unless another connection already has).
     */
    void refused(Secret refused);

    /** Stops any background refresh. */
    @Override
    void close();
}
