package org.mailprobe.agent.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.agent.config.AccountConfig;
import org.mailprobe.agent.config.Protocol;
import org.mailprobe.agent.config.ServerConfig;
import org.mailprobe.agent.config.WatchConfig;
import org.mailprobe.agent.config.WebmailConfig;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.webmail.WebmailSettings;

/**
 * A watch's key, known from the config alone, is the mailbox its watcher reports arrivals under:
 * otherwise a route would wait for arrivals that come under another name, and the config loader
 * would check the wrong routes for sharing a watcher.
 */
@Timeout(10)
class MailboxKeyTest {
    private static final AccountConfig BOB = new AccountConfig("bob", "bob@example.com",
            new Account("bob.login", Secret.of("not-shown")));

    @Test
    void anImapWatchIsKeyedByTheNameItsWatcherReports() {
        WatchConfig w = watch(AccessPath.IMAP, new ServerConfig("imap", Protocol.IMAP,
                new ServerEndpoint("imap.example.com", 993, TlsMode.IMPLICIT), TlsPolicy.verified(), TestProvider.FAST));
        assertEquals(Watchers.settings(w, "agent", "host").mailboxName(), w.mailboxKey().mailbox());
        assertEquals("imap bob.login@imap.example.com:993/Probes", w.mailboxKey().toString());
    }

    @Test
    void aPop3WatchIsKeyedByTheNameItsWatcherReports() {
        WatchConfig w = new WatchConfig(AccessPath.POP3, new ServerConfig("pop3", Protocol.POP3,
                new ServerEndpoint("pop.example.com", 995, TlsMode.IMPLICIT), TlsPolicy.verified(), TestProvider.FAST),
                BOB, "INBOX", Duration.ofSeconds(1), false, true);
        assertEquals(Watchers.settings(w, "agent", "host").mailboxName(), w.mailboxKey().mailbox());
    }

    @Test
    void aWebmailWatchIsKeyedByTheNameItsWatcherReports() {
        URI url = URI.create("https://mail.example.com/roundcube/");
        WatchConfig w = new WatchConfig(AccessPath.WEBMAIL, new ServerConfig("web", Protocol.WEBMAIL,
                WebmailSettings.endpointOf(url), TlsPolicy.verified(), TestProvider.FAST,
                new WebmailConfig(url, WebmailSettings.Driver.ROUNDCUBE, null)), BOB, "INBOX", Duration.ofSeconds(1),
                false, false);
        assertEquals(Watchers.webmailSettings(w, "agent", "host").mailboxName(), w.mailboxKey().mailbox());
    }

    private static WatchConfig watch(AccessPath path, ServerConfig server) {
        return new WatchConfig(path, server, BOB, "Probes", Duration.ofSeconds(1), false, true);
    }
}
