package org.mailprobe.probes.filter;

import java.util.List;
import java.util.Objects;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsPolicy;

/**
 * Where and how {@link SampleCollector} looks for samples.
 *
 * @param endpoint the IMAP server
 * @param account the mailbox that receives the samples
 * @param folders the folders to look in, in order: full names, or {@link #JUNK} for the folder with
 *     SPECIAL-USE {@code \Junk} (RFC 6154)
 * @param junkFolders folder names that count as Junk even without the SPECIAL-USE attribute
 * @param spamTags the spam filter's tags (SpamAssassin: {@code X-Spam-Flag: YES})
 * @param virusTags the virus filter's tags (clamav-milter: {@code X-Virus-Status: Infected})
 * @param localHost the agent's host name, for the session
 * @param ownAgentId only samples whose verified token names this agent are ever deleted
 * @param deleteVerified delete samples matched by their verified token once seen
 */
public record CollectorSettings(ServerEndpoint endpoint, Account account, TlsPolicy tls, Timeouts timeouts,
        List<String> folders, List<String> junkFolders, List<TagRule> spamTags, List<TagRule> virusTags,
        String localHost, String ownAgentId, boolean deleteVerified) {
    /** In {@link #folders}: the folder whose LIST attributes include {@code \Junk}. */
    public static final String JUNK = "\\Junk";

    public CollectorSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(timeouts, "timeouts");
        folders = List.copyOf(folders);
        junkFolders = List.copyOf(junkFolders);
        spamTags = List.copyOf(spamTags);
        virusTags = List.copyOf(virusTags);
        Objects.requireNonNull(localHost, "localHost");
        Objects.requireNonNull(ownAgentId, "ownAgentId");
        if (folders.isEmpty()) {
            throw new IllegalArgumentException("at least one folder to look in is needed");
        }
    }
}
