package org.mailprobe.probes;

/**
 * How a watched mailbox is named in arrivals, metrics and the journal: {@code user@host:port/folder}
 * (no secret). One format for every access path, so that the agent can tell which of its routes
 * share a mailbox before any watcher runs.
 */
public final class MailboxName {
    private MailboxName() {}

    public static String of(String user, ServerEndpoint endpoint, String folder) {
        return user + "@" + endpoint.host() + ":" + endpoint.port() + "/" + folder;
    }
}
