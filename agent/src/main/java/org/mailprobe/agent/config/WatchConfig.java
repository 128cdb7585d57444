package org.mailprobe.agent.config;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.MailboxName;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.webmail.WebmailSettings;

/**
 * Where and how a route looks for its probes: one access path to one mailbox.
 *
 * @param path how the mailbox is read, each path its own delay figure
 * @param server the IMAP, POP3 or webmail server; its protocol matches {@code path}
 * @param account the mailbox's owner
 * @param folder the folder watched; always INBOX on POP3
 * @param pollInterval how often to look (IMAP: only when the server has no IDLE)
 * @param idle use IMAP IDLE where the server offers it; always false on POP3 and webmail
 * @param deleteProbes delete our verified probes once they are measured; always false on webmail,
 *     which only reads
 */
public record WatchConfig(AccessPath path, ServerConfig server, AccountConfig account, String folder,
        Duration pollInterval, boolean idle, boolean deleteProbes) {
    public WatchConfig {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(pollInterval, "pollInterval");
        if (server.protocol() != Protocol.of(path)) {
            throw new IllegalArgumentException("server " + server.name() + " speaks " + server.protocol().label()
                    + ", not " + path.label());
        }
        if (path == AccessPath.POP3 && (!folder.equals(Defaults.FOLDER) || idle)) {
            throw new IllegalArgumentException("a POP3 watch has only INBOX and no IDLE");
        }
        if (path == AccessPath.WEBMAIL && (idle || deleteProbes)) {
            throw new IllegalArgumentException("a webmail watch has no IDLE and deletes nothing");
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive");
        }
    }

    /**
     * The mailbox this watches, named as its watcher names it; routes with equal keys share one
     * watcher at runtime. A webmail server is where its URL points.
     */
    public MailboxKey mailboxKey() {
        ServerEndpoint at = path == AccessPath.WEBMAIL ? WebmailSettings.endpointOf(
                Objects.requireNonNull(server.webmail(), "a webmail watch's server").url())
                : server.endpoint();
        return new MailboxKey(path, MailboxName.of(account.login().user(), at, folder));
    }

    /** The watch in the config's own names, for messages: {@code imap:server/account/folder}. */
    public String configName() {
        return path.label() + ":" + server.name() + "/" + account.name() + "/" + folder;
    }
}
