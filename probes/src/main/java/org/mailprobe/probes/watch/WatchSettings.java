package org.mailprobe.probes.watch;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.MailboxName;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;

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
 * @param idleRefresh how long an IMAP IDLE lasts when nothing happens: it is then ended and
 *     restarted, so that a dead connection is noticed and a server's idle timeout is never reached.
 *     Between probes this is the only command the watcher sends. At most {@link #MAX_IDLE_REFRESH};
 *     default {@link #DEFAULT_IDLE_REFRESH}
 * @param deleteAfterMeasure delete our verified probes once the listener has measured them
 * @param localHost the name this agent gives itself to servers
 * @param ownAgentId only verified probes with this agent id are deleted
 * @param useIdle IMAP: use IDLE where the server offers it; false forces polling at
 *     {@code pollInterval}; default true. While a probe is expected the IMAP watcher also looks
 *     for itself on a fixed schedule ({@link LookSchedule}); there is no setting for it.
 * @param otherFolders IMAP: further folders of the same mailbox looked in at each look and each
 *     IDLE refresh (issue 14); {@link #SPECIAL_USE_JUNK} stands for the folder the server marks
 *     {@code \Junk}; default none
 * @param junkFolders IMAP: the folders, besides the one marked {@code \Junk}, whose probes are
 *     reported as seen in Junk ({@link org.mailprobe.probes.Arrival#junk()}); default none
 */
public record WatchSettings(ServerEndpoint endpoint, Account account, TlsPolicy tls, Timeouts timeouts,
        String folder, Duration pollInterval, Duration idleRefresh, boolean deleteAfterMeasure,
        String localHost, String ownAgentId, boolean useIdle, List<String> otherFolders, List<String> junkFolders) {
    /** In a folder list: the folder with the SPECIAL-USE attribute {@code \Junk} (RFC 6154), whatever its name. */
    public static final String SPECIAL_USE_JUNK = "\\Junk";
    /** 60 s: one command a minute per mailbox, and a dead connection noticed within about a minute. */
    public static final Duration DEFAULT_IDLE_REFRESH = Duration.ofSeconds(60);
    /**
     * 29 minutes: RFC 2177 says a client must end an IDLE at least every 29 minutes, as servers
     * may log out a client idle for 30.
     */
    public static final Duration MAX_IDLE_REFRESH = Duration.ofMinutes(29);

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
        otherFolders = List.copyOf(otherFolders);
        junkFolders = List.copyOf(junkFolders);
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive");
        }
        if (idleRefresh.isNegative() || idleRefresh.isZero() || idleRefresh.compareTo(MAX_IDLE_REFRESH) > 0) {
            throw new IllegalArgumentException("idleRefresh must be positive and at most " + MAX_IDLE_REFRESH);
        }
    }

    /** One folder. */
    public WatchSettings(ServerEndpoint endpoint, Account account, TlsPolicy tls, Timeouts timeouts,
            String folder, Duration pollInterval, Duration idleRefresh, boolean deleteAfterMeasure,
            String localHost, String ownAgentId, boolean useIdle) {
        this(endpoint, account, tls, timeouts, folder, pollInterval, idleRefresh, deleteAfterMeasure,
                localHost, ownAgentId, useIdle, List.of(), List.of());
    }

    /** IDLE where offered. */
    public WatchSettings(ServerEndpoint endpoint, Account account, TlsPolicy tls, Timeouts timeouts,
            String folder, Duration pollInterval, Duration idleRefresh, boolean deleteAfterMeasure,
            String localHost, String ownAgentId) {
        this(endpoint, account, tls, timeouts, folder, pollInterval, idleRefresh, deleteAfterMeasure,
                localHost, ownAgentId, true);
    }

    /** Every folder watched: the one IDLE waits on first, then {@link #otherFolders}. */
    public List<String> folders() {
        List<String> all = new java.util.ArrayList<>();
        all.add(folder);
        all.addAll(otherFolders);
        return List.copyOf(all);
    }

    /** {@code user@host:port/folder}: {@link MailboxName}. */
    public String mailboxName() {
        return MailboxName.of(account.user(), endpoint, folder);
    }
}
