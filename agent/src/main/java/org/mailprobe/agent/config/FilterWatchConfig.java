package org.mailprobe.agent.config;

import java.util.List;
import java.util.Objects;

/**
 * Where a filter route looks for its samples: the folders of one IMAP mailbox (POP3 sees no Junk).
 *
 * @param server an IMAP server
 * @param account whose mailbox; always the route's {@code to}
 * @param folders by name, or {@link Defaults#JUNK_SPECIAL_USE} for the folder with SPECIAL-USE
 *     {@code \Junk} (RFC 6154); the first is INBOX-like, where delivered mail lands
 * @param junkFolders further folder names that count as Junk where the server advertises no
 *     SPECIAL-USE
 * @param deleteSamples delete a sample once classified, only when matched by its verified token
 */
public record FilterWatchConfig(ServerConfig server, AccountConfig account, List<String> folders,
        List<String> junkFolders, boolean deleteSamples) {
    public FilterWatchConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(account, "account");
        folders = List.copyOf(folders);
        junkFolders = List.copyOf(junkFolders);
        if (server.protocol() != Protocol.IMAP) {
            throw new IllegalArgumentException("server " + server.name() + " speaks " + server.protocol().label()
                    + ", not imap");
        }
        if (folders.isEmpty()) {
            throw new IllegalArgumentException("a filter watch needs at least one folder");
        }
    }
}
