package org.mailprobe.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An IMAP watch of several folders (issue 14): {@code folders}, {@code junk_folders}, {@code junk_counts_as_delivered}. */
@Timeout(30)
class WatchFoldersConfigTest {
    static final String CONFIG = """
            agent:
              id: hq-probe-1
              site: hq
              key_file: key.secret
            servers:
              provider-smtp:
                protocol: smtp
                host: smtp.example.com
              provider-imap:
                protocol: imap
                host: imap.example.com
              provider-pop3:
                protocol: pop3
                host: pop.example.com
            accounts:
              alice:
                address: alice@example.com
                password_file: alice.pw
              bob:
                address: bob@example.com
                password_env: MAILPROBE_BOB_PASSWORD
            routes:
              - name: loop-alice-bob
                kind: loop
                from: alice
                submit_via: provider-smtp
                to: bob
                watch:
            """;

    @TempDir
    Path dir;

    private AgentConfig load(String watch) throws ConfigException {
        ConfigFixture fixture = new ConfigFixture(dir);
        return fixture.load(fixture.writePrivate("mailprobe.yml", CONFIG + watch.indent(6)));
    }

    private void assertRejected(String watch, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(watch));
        assertEquals(dir.resolve("mailprobe.yml") + ": " + expected, e.getMessage());
    }

    @Test
    void watchOfInboxAndTheJunkMarkedFolderIsLoaded() throws ConfigException {
        AgentConfig config = load("""
                - path: imap
                  server: provider-imap
                  folders: [inbox, "\\\\Junk", Spam]
                  junk_folders: [Spam]
                """);

        WatchConfig w = config.routes().get(0).watches().get(0);
        assertEquals(List.of("INBOX", "\\Junk", "Spam"), w.folders());
        assertEquals("INBOX", w.folder());
        assertEquals(List.of("Spam"), w.junkFolders());
        assertFalse(w.junkCountsAsDelivered(), "by default a probe only in Junk is not delivered");
        assertEquals(List.of("INBOX", "Junk", "Spam"), w.folderLabels());
        assertTrue(w.mailboxKey().mailbox().endsWith("/INBOX"));
    }

    @Test
    void junkCountsAsDeliveredWhereTheWatchSaysSo() throws ConfigException {
        AgentConfig config = load("""
                - path: imap
                  server: provider-imap
                  folders: [INBOX, Junk]
                  junk_folders: [Junk]
                  junk_counts_as_delivered: true
                """);

        assertTrue(config.routes().get(0).watches().get(0).junkCountsAsDelivered());
    }

    @Test
    void folderAndFoldersTogetherAreRejected() {
        assertRejected("""
                - path: imap
                  server: provider-imap
                  folder: INBOX
                  folders: [INBOX, Junk]
                """, "routes[0].watch[0].folders: give either folder (one folder) or folders (a list), not both");
    }

    @Test
    void foldersOnPop3AreRejected() {
        assertRejected("""
                - path: pop3
                  server: provider-pop3
                  folders: [INBOX, Junk]
                """, "routes[0].watch[0].folders: only an IMAP watch looks in several folders; a pop3 watch sees "
                + "only INBOX: use folder");
    }

    @Test
    void emptyFolderListIsRejected() {
        assertRejected("""
                - path: imap
                  server: provider-imap
                  folders: []
                """, "routes[0].watch[0].folders: needs at least one folder");
    }

    @Test
    void folderListedTwiceIsRejected() {
        assertRejected("""
                - path: imap
                  server: provider-imap
                  folders: [INBOX, Junk, Inbox]
                """, "routes[0].watch[0].folders[2]: 'INBOX' is listed twice");
    }

    @Test
    void junkFolderThatIsNotWatchedIsRejected() {
        assertRejected("""
                - path: imap
                  server: provider-imap
                  folders: [INBOX, Junk]
                  junk_folders: [Spam]
                """, "routes[0].watch[0].junk_folders[0]: 'Spam' is not watched; name it in folders too "
                + "(watched: INBOX, Junk)");
    }

    @Test
    void junkCountsAsDeliveredOnPop3IsRejected() {
        assertRejected("""
                - path: pop3
                  server: provider-pop3
                  junk_counts_as_delivered: true
                """, "routes[0].watch[0].junk_counts_as_delivered: only an IMAP watch sees a Junk folder; a pop3 "
                + "watch sees only INBOX, where a probe put in Junk is lost");
    }
}
