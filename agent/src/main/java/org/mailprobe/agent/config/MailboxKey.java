package org.mailprobe.agent.config;

import java.util.Objects;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.MailboxName;

/**
 * One mailbox as seen on one access path: what a route waits on, what a watcher reports arrivals
 * under, and what routes that share one watcher have in common (routes whose watches have equal
 * keys share one watcher at runtime, so the config loader checks that they want the same of it).
 *
 * @param path how the mailbox is read
 * @param mailbox its {@link MailboxName} ({@code user@host:port/folder}); for the sink, the sink's
 *     name ({@code sink@host:port})
 */
public record MailboxKey(AccessPath path, String mailbox) {
    public MailboxKey {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(mailbox, "mailbox");
    }

    @Override
    public String toString() {
        return path.label() + " " + mailbox;
    }
}
