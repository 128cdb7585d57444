package org.mailprobe.probes.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import jakarta.mail.Flags;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.testing.CommandCountingProxy;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;
import org.mailprobe.probes.token.ProbeMessage;
import org.mailprobe.probes.token.TokenSigner;

/**
 * An IMAP watch of several folders (issue 14): every arrival says the folder it was seen in and
 * whether that is a Junk folder, by name from the config or by the server's SPECIAL-USE mark.
 * GreenMail does not mark folders, so the mark is added to its real LIST answer by a
 * {@link CommandCountingProxy}.
 */
@Timeout(30)
class ImapFoldersTest {
    final TestProvider provider = new TestProvider();
    final Watching.Recorder recorder = new Watching.Recorder();
    CommandCountingProxy proxy;
    ImapArrivalWatcher watcher;

    @AfterEach
    void stop() throws Exception {
        if (watcher != null) {
            watcher.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        provider.close();
    }

    private void start(ServerEndpoint endpoint, List<String> others, List<String> junk) {
        watcher = new ImapArrivalWatcher(new WatchSettings(endpoint, provider.account(), TestProvider.trusted(),
                TestProvider.FAST, "INBOX", Duration.ofMillis(200), Duration.ofSeconds(60), true, "agent.test",
                Watching.AGENT, true, others, junk), Watching.SIGNER, recorder, ProbeClock.system());
        watcher.start();
    }

    private MailFolder folder(String name) throws Exception {
        GreenMailUser user = provider.greenMail().getUserManager().getUser(TestProvider.USER);
        var manager = provider.greenMail().getManagers().getImapHostManager();
        MailFolder f = manager.getFolder(user, name);
        return f != null ? f : manager.createMailbox(user, name);
    }

    /** Puts a probe signed by {@code signer} into {@code name}, as a provider's filter would have. */
    private ProbeToken deliverInto(String name, TokenSigner signer) throws Exception {
        ProbeToken token = Watching.token(Watching.AGENT);
        MimeMessage m = ProbeMessage.build(Session.getInstance(new java.util.Properties()), "agent@example.test",
                TestProvider.USER, token, signer);
        m.saveChanges();
        folder(name).appendMessage(m, new Flags(), new Date());
        return token;
    }

    private List<String> subjects(String name) throws Exception {
        List<String> subjects = new ArrayList<>();
        for (StoredMessage m : folder(name).getMessages()) {
            subjects.add(m.getMimeMessage().getSubject());
        }
        return subjects;
    }

    @Test
    void probeInANamedJunkFolderIsReportedAsSeenInJunk() throws Exception {
        folder("Junk");
        start(provider.imap(), List.of("Junk"), List.of("Junk"));

        ProbeToken token = deliverInto("Junk", Watching.SIGNER);
        Arrival arrival = recorder.awaitArrival(token);

        assertEquals("Junk", arrival.folder());
        assertTrue(arrival.junk());
        assertEquals(watcher.mailbox(), arrival.mailbox(), "one watch: the mailbox names its first folder");
    }

    @Test
    void probeInTheInboxOfAMultiFolderWatchIsReportedAsSeenInTheInbox() throws Exception {
        folder("Junk");
        start(provider.imap(), List.of("Junk"), List.of("Junk"));

        ProbeToken token = Watching.sendProbe(provider, Watching.AGENT).token();
        Arrival arrival = recorder.awaitArrival(token);

        assertEquals("INBOX", arrival.folder());
        assertFalse(arrival.junk());
    }

    @Test
    void junkFolderIsFoundByItsSpecialUseMark() throws Exception {
        folder("Spam");
        proxy = new CommandCountingProxy(provider.imap());
        // GreenMail's own LIST answer, with the mark a server that supports RFC 6154 gives its Junk folder.
        proxy.rewriteServerLines(line -> line.startsWith("* LIST (") && line.contains("Spam")
                ? line.replaceFirst("^\\* LIST \\(", "* LIST (\\\\Junk ") : line);
        start(proxy.endpoint(), List.of(WatchSettings.SPECIAL_USE_JUNK), List.of());

        ProbeToken token = deliverInto("Spam", Watching.SIGNER);
        Arrival arrival = recorder.awaitArrival(token);

        assertEquals("Spam", arrival.folder());
        assertTrue(arrival.junk(), "the folder marked \\Junk is a Junk folder without being named so");
    }

    @Test
    void serverWithoutAJunkFolderIsSaidOnceAndTheInboxIsStillWatched() throws Exception {
        start(provider.imap(), List.of(WatchSettings.SPECIAL_USE_JUNK), List.of());

        ProbeToken token = Watching.sendProbe(provider, Watching.AGENT).token();
        recorder.awaitArrival(token);

        assertEquals(List.of(Reason.PROTOCOL), recorder.failures);
        assertTrue(watcher.healthy());
    }

    @Test
    void namedFolderThatDoesNotExistIsSaidOnceAndTheInboxIsStillWatched() throws Exception {
        start(provider.imap(), List.of("Nowhere"), List.of());

        ProbeToken token = Watching.sendProbe(provider, Watching.AGENT).token();
        recorder.awaitArrival(token);

        assertEquals(List.of(Reason.PROTOCOL), recorder.failures);
        assertTrue(watcher.healthy());
    }

    @Test
    void ourVerifiedProbeInJunkIsDeletedThere() throws Exception {
        folder("Junk");
        start(provider.imap(), List.of("Junk"), List.of("Junk"));

        ProbeToken token = deliverInto("Junk", Watching.SIGNER);
        recorder.awaitArrival(token);

        Watching.await("the probe deleted from Junk", Duration.ofSeconds(10), () -> !subjects("Junk").contains(ProbeMessage.subject(token)));
    }

    @Test
    void forgedTokenInJunkIsNeverDeleted() throws Exception {
        folder("Junk");
        start(provider.imap(), List.of("Junk"), List.of("Junk"));

        ProbeToken forged = deliverInto("Junk", Watching.WRONG_SIGNER);
        ProbeToken ours = deliverInto("Junk", Watching.SIGNER);
        recorder.awaitArrival(ours);
        Watching.await("our probe deleted from Junk", Duration.ofSeconds(10), () -> !subjects("Junk").contains(ProbeMessage.subject(ours)));

        assertTrue(subjects("Junk").contains(ProbeMessage.subject(forged)), "the forged one stays: " + subjects("Junk"));
        assertFalse(recorder.saw(forged));
    }
}
