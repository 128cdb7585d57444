package org.mailprobe.probes;

import java.time.Duration;
import java.util.Objects;

/**
 * What an arrival watcher needs.
 *
 * @param endpoint the IMAP or POP3 server
 * @param account the mailbox's login
 * @param tls certificate policy
 * @param timeouts per-operation timeouts
 * @param folder IMAP folder to watch (POP3 has only INBOX)
 * @param pollInterval POP3 poll interval, and IMAP's when the server has no IDLE; default 5 s for
 *     POP3 and 2 s for IMAP polling
 * @param idleRefresh how often an IMAP IDLE is ended and restarted, so that a dead connection is
 *     noticed and a server's idle timeout is never reached; default 60 s
 * @param deleteAfterMeasure delete our verified probes once the listener has measured them
 * @param localHost the name this agent gives itself to servers
 * @param ownAgentId only verified probes with this agent id are deleted
 * @param useIdle IMAP: use IDLE where the server offers it; false forces polling at
 *     {@code pollInterval}; default true
 * @param idleRecheck IMAP: while idling, how often the watcher also looks for new mail itself
 *     (UID FETCH), because some servers (Dovecot) announce new mail to an IDLE client only about
 *     0.5 s late; zero relies on IDLE alone; default {@link #DEFAULT_IDLE_RECHECK}
 */
public record WatchSettings(ServerEndpoint endpoint, Account account, TlsPolicy tls, Timeouts timeouts,
        String folder, Duration pollInterval, Duration idleRefresh, boolean deleteAfterMeasure,
        String localHost, String ownAgentId, boolean useIdle, Duration idleRecheck) {
    /**
     * 250 ms: bounds the detection error on a batching server to about a quarter second (mean
     * about an eighth) for two extra commands (DONE/IDLE) and one UID FETCH per tick on one
     * connection; on a server that pushes at once (GreenMail, Cyrus) IDLE wins anyway.
     */
    public static final Duration DEFAULT_IDLE_RECHECK = Duration.ofMillis(250);

    public WatchSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(idleRefresh, "idleRefresh");
        Objects.requireNonNull(localHost, "localHost");
        Objects.requireNonNull(ownAgentId, "ownAgentId");
        Objects.requireNonNull(idleRecheck, "idleRecheck");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive");
        }
        if (idleRefresh.isNegative() || idleRefresh.isZero()) {
            throw new IllegalArgumentException("idleRefresh must be positive");
        }
        if (idleRecheck.isNegative()) {
            throw new IllegalArgumentException("idleRecheck must not be negative");
        }
    }

    /** IDLE where offered, rechecked every {@link #DEFAULT_IDLE_RECHECK}. */
    public WatchSettings(ServerEndpoint endpoint, Account account, TlsPolicy tls, Timeouts timeouts,
            String folder, Duration pollInterval, Duration idleRefresh, boolean deleteAfterMeasure,
            String localHost, String ownAgentId) {
        this(endpoint, account, tls, timeouts, folder, pollInterval, idleRefresh, deleteAfterMeasure,
                localHost, ownAgentId, true, DEFAULT_IDLE_RECHECK);
    }

    /** {@code user@host:port/folder}. */
    public String mailboxName() {
        return account.user() + "@" + endpoint.host() + ":" + endpoint.port() + "/" + folder;
    }
}
