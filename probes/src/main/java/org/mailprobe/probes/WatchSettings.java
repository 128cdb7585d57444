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
 */
public record WatchSettings(ServerEndpoint endpoint, Account account, TlsPolicy tls, Timeouts timeouts,
        String folder, Duration pollInterval, Duration idleRefresh, boolean deleteAfterMeasure,
        String localHost, String ownAgentId) {
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
    }

    /** {@code user@host:port/folder}. */
    public String mailboxName() {
        return account.user() + "@" + endpoint.host() + ":" + endpoint.port() + "/" + folder;
    }
}
