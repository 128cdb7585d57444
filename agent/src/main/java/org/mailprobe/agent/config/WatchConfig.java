package org.mailprobe.agent.config;

import java.time.Duration;
import java.util.List;
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
 * @param folders every folder watched, {@code folder} first (IMAP {@code folders:}, issue 14);
 *     {@code \\Junk} stands for the folder the server marks so (RFC 6154); just {@code folder}
 *     otherwise
 * @param junkFolders further folders whose probes count as seen in Junk (IMAP {@code junk_folders:});
 *     each is one of {@code folders}
 * @param junkCountsAsDelivered a probe seen only in a Junk folder counts as delivered; when false
 *     ({@link Defaults#JUNK_COUNTS_AS_DELIVERED}) its path's outcome is reason {@code junk}, accounted
 *     like lost
 */
public record WatchConfig(AccessPath path, ServerConfig server, AccountConfig account, String folder,
        Duration pollInterval, boolean idle, boolean deleteProbes, List<String> folders, List<String> junkFolders,
        boolean junkCountsAsDelivered) {
    /** One folder, the defaults of issue 14. */
    public WatchConfig(AccessPath path, ServerConfig server, AccountConfig account, String folder,
            Duration pollInterval, boolean idle, boolean deleteProbes) {
        this(path, server, account, folder, pollInterval, idle, deleteProbes, List.of(folder), Defaults.JUNK_FOLDERS,
                Defaults.JUNK_COUNTS_AS_DELIVERED);
    }

    public WatchConfig {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(folder, "folder");
        Objects.requireNonNull(pollInterval, "pollInterval");
        folders = List.copyOf(folders);
        junkFolders = List.copyOf(junkFolders);
        if (folders.isEmpty() || !folders.get(0).equals(folder)) {
            throw new IllegalArgumentException("folders must begin with folder");
        }
        if (path != AccessPath.IMAP && (folders.size() > 1 || !junkFolders.isEmpty())) {
            throw new IllegalArgumentException("only an IMAP watch looks in several folders");
        }
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

    /** True if this watch looks in more than one folder: its arrivals then say which. */
    public boolean severalFolders() {
        return folders.size() > 1;
    }

    /**
     * The metric label of a sighting's folder, from the config so its values are closed: the folder's
     * name where the config names it, else {@code Junk} for the folder the server marks \Junk.
     */
    public String folderLabel(String seenIn, boolean junk) {
        if (folders.contains(seenIn)) {
            return seenIn;
        }
        return junk ? JUNK_LABEL : folder;
    }

    /** The label of the folder marked \Junk ({@code folders: ["\\Junk"]}), whatever the server calls it. */
    public static final String JUNK_LABEL = "Junk";

    /** The label values {@link #folderLabel} can give. */
    public List<String> folderLabels() {
        return folders.stream().map(f -> f.equals(SPECIAL_USE_JUNK) ? JUNK_LABEL : f).distinct().toList();
    }

    /** In {@code folders:}: the folder with the SPECIAL-USE attribute {@code \\Junk}. */
    public static final String SPECIAL_USE_JUNK = org.mailprobe.probes.watch.WatchSettings.SPECIAL_USE_JUNK;

    /** The watch in the config's own names, for messages: {@code imap:server/account/folder}. */
    public String configName() {
        return path.label() + ":" + server.name() + "/" + account.name() + "/" + folder;
    }
}
