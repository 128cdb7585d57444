package org.mailprobe.probes.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mailprobe.probes.filter.Delivered.accepted;
import static org.mailprobe.probes.filter.Delivered.contents;
import static org.mailprobe.probes.filter.Delivered.filtered;
import static org.mailprobe.probes.filter.Delivered.put;
import static org.mailprobe.probes.filter.Delivered.sample;
import static org.mailprobe.probes.filter.Delivered.stamped;
import static org.mailprobe.probes.testing.Watching.AGENT;
import static org.mailprobe.probes.testing.Watching.OTHER_AGENT;

import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.BearerTokens;
import org.mailprobe.probes.OAuthLogin;
import org.mailprobe.probes.OAuthMechanism;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.Timeouts;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.oauth.BearerTokenSources;
import org.mailprobe.probes.oauth.TokenGrant;
import org.mailprobe.probes.testing.HostileServer;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;
import org.mailprobe.probes.token.TokenSigner;

class SampleCollectorTest {
    private static final TagRule SPAM_FLAG = new TagRule("X-Spam-Flag", Pattern.compile("(?i)^\\s*yes"));
    private static final TagRule VIRUS_STATUS = new TagRule("X-Virus-Status", Pattern.compile("(?i)^\\s*infected"));

    private final TestProvider provider = new TestProvider();

    @AfterEach
    void stop() {
        provider.close();
    }

    private CollectorSettings settings(ServerEndpoint endpoint, boolean delete) {
        return new CollectorSettings(endpoint, provider.account(), TestProvider.trusted(), TestProvider.FAST,
                List.of("INBOX", "Junk"), List.of("Junk"), List.of(SPAM_FLAG), List.of(VIRUS_STATUS), "agent.test",
                AGENT, delete);
    }

    private CollectorLook look(Collection<SentSample> outstanding) {
        return look(settings(provider.imap(), true), outstanding);
    }

    private static CollectorLook look(CollectorSettings settings, Collection<SentSample> outstanding) {
        SampleCollector collector = new SampleCollector(settings, Watching.SIGNER, ProbeClock.system());
        return collector.look(outstanding, ProbeClock.system().now().plusSeconds(15));
    }

    private static SampleSighting only(CollectorLook look) {
        assertEquals(Reason.NONE, look.failure(), look.detail());
        assertEquals(1, look.found().size(), "found: " + look.found());
        return look.found().get(0);
    }

    @Test
    @Timeout(30)
    void untouchedSampleInInboxIsFoundByTokenAndDeleted() throws Exception {
        SentSample sent = accepted(sample(SampleKind.VIRUS, "eicar"), Delivered.token(AGENT));
        put(provider, "INBOX", stamped(sent));

        SampleSighting seen = only(look(List.of(sent)));

        assertEquals(sent.key(), seen.sampleKey());
        assertEquals("INBOX", seen.folder());
        assertFalse(seen.junkFolder());
        assertEquals(SampleSighting.BY_TOKEN, seen.matchedBy());
        assertNull(seen.tag());
        assertTrue(seen.intact());
        assertTrue(seen.deleted());
        assertEquals(FilterOutcome.UNTOUCHED, SampleVerdict.classify(sent, seen));
        assertEquals("", SampleVerdict.decidedBy(sent, seen));
        assertEquals(List.of(), contents(provider, "INBOX"), "the verified sample is expunged");
    }

    @Test
    @Timeout(30)
    void sampleInJunkIsJunk() throws Exception {
        SentSample sent = accepted(sample(SampleKind.SPAM, "gtube"), Delivered.token(AGENT));
        put(provider, "Junk", stamped(sent));

        SampleSighting seen = only(look(List.of(sent)));

        assertEquals("Junk", seen.folder());
        assertTrue(seen.junkFolder());
        assertEquals(FilterOutcome.JUNK, SampleVerdict.classify(sent, seen));
        assertEquals("folder Junk", SampleVerdict.decidedBy(sent, seen));
    }

    @Test
    @Timeout(30)
    void sampleTaggedInInboxIsTagged() throws Exception {
        SentSample sent = accepted(sample(SampleKind.SPAM, "gtube"), Delivered.token(AGENT));
        put(provider, "INBOX", filtered(stamped(sent), m -> Delivered.header(m, "X-Spam-Flag", "YES")));

        SampleSighting seen = only(look(List.of(sent)));

        assertEquals("X-Spam-Flag: YES", seen.tag());
        assertEquals(FilterOutcome.TAGGED, SampleVerdict.classify(sent, seen));
        assertEquals("X-Spam-Flag: YES", SampleVerdict.decidedBy(sent, seen));
    }

    @Test
    @Timeout(30)
    void foldedTagHeaderIsUnfoldedBeforeItIsMatched() throws Exception {
        SentSample sent = accepted(sample(SampleKind.VIRUS, "eicar"), Delivered.token(AGENT));
        put(provider, "INBOX", filtered(stamped(sent), m -> Delivered.header(m, "X-Virus-Status",
                "\r\n\tInfected (Eicar-Signature)")));

        SampleSighting seen = only(look(List.of(sent)));

        assertEquals(FilterOutcome.TAGGED, SampleVerdict.classify(sent, seen));
        assertTrue(seen.tag() != null && seen.tag().startsWith("X-Virus-Status: Infected"), seen.tag());
    }

    @Test
    @Timeout(30)
    void sampleWithItsAttachmentRemovedIsCleanedEvenInJunk() throws Exception {
        SentSample sent = accepted(sample(SampleKind.VIRUS, "eicar"), Delivered.token(AGENT));
        put(provider, "Junk", filtered(stamped(sent), m -> {
            Delivered.stripAttachment(m);
            Delivered.header(m, "X-Virus-Status", "Infected");
        }));

        SampleSighting seen = only(look(List.of(sent)));

        assertFalse(seen.intact());
        assertEquals(FilterOutcome.CLEANED, SampleVerdict.classify(sent, seen));
        assertEquals("attachment removed", SampleVerdict.decidedBy(sent, seen));
    }

    @Test
    @Timeout(30)
    void sampleWithABannerAddedAndReencodedIsStillIntact() throws Exception {
        SentSample sent = accepted(sample(SampleKind.CLEAN, "clean"), Delivered.token(AGENT));
        put(provider, "INBOX", filtered(stamped(sent), m -> {
            try {
                var parts = (jakarta.mail.internet.MimeMultipart) m.getContent();
                var text = (jakarta.mail.internet.MimeBodyPart) parts.getBodyPart(0);
                text.setText("-- scanned by the provider --\r\n" + Delivered.BODY.replace(" of the", "\r\n of the")
                        + "\r\n-- end --", "UTF-8");
                text.setHeader("Content-Transfer-Encoding", "quoted-printable");
                String id = m.getMessageID();
                m.saveChanges();
                m.setHeader("Message-ID", id);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));

        SampleSighting seen = only(look(List.of(sent)));

        assertTrue(seen.intact());
        assertEquals(FilterOutcome.UNTOUCHED, SampleVerdict.classify(sent, seen));
    }

    @Test
    @Timeout(30)
    void sampleWithoutItsTokenIsMatchedByMessageIdAndNotDeleted() throws Exception {
        SentSample sent = accepted(sample(SampleKind.VIRUS, "eicar"), Delivered.token(AGENT));
        MimeMessage m = filtered(stamped(sent), x -> Delivered.remove(x, TokenSigner.HEADER));
        put(provider, "INBOX", m);

        SampleSighting seen = only(look(List.of(sent)));

        assertEquals(SampleSighting.BY_MESSAGE_ID, seen.matchedBy());
        assertFalse(seen.deleted());
        assertEquals(1, contents(provider, "INBOX").size(), "left in the mailbox");
        assertFalse(contents(provider, "INBOX").get(0).contains("\\"), "not even flagged");
    }

    @Test
    @Timeout(30)
    void sampleWithOnlyItsRewrittenSubjectIsMatchedBySubjectAndNotDeleted() throws Exception {
        SentSample sent = accepted(sample(SampleKind.SPAM, "gtube"), Delivered.token(AGENT));
        put(provider, "INBOX", filtered(stamped(sent), m -> {
            Delivered.remove(m, TokenSigner.HEADER);
            Delivered.header(m, "Message-ID", "<rewritten.1@provider.example>");
            try {
                m.setSubject("***SPAM*** " + m.getSubject());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));

        SampleSighting seen = only(look(List.of(sent)));

        assertEquals(SampleSighting.BY_SUBJECT, seen.matchedBy());
        assertFalse(seen.deleted());
        assertEquals(1, contents(provider, "INBOX").size());
    }

    @Test
    @Timeout(30)
    void forgedTokenIsNeverDeleted() throws Exception {
        SentSample sent = accepted(sample(SampleKind.VIRUS, "eicar"), Delivered.token(AGENT));
        put(provider, "INBOX", stamped(sent, Watching.WRONG_SIGNER));

        SampleSighting seen = only(look(List.of(sent)));

        assertEquals(SampleSighting.BY_MESSAGE_ID, seen.matchedBy(), "a forged token is no match");
        assertFalse(seen.deleted());
        assertEquals(1, contents(provider, "INBOX").size());
        assertFalse(contents(provider, "INBOX").get(0).contains("\\"), "not even flagged");
    }

    @Test
    @Timeout(30)
    void anotherAgentsVerifiedSampleIsNeverDeleted() throws Exception {
        // Two agents that share a key and a mailbox: each deletes only its own.
        SentSample sent = accepted(sample(SampleKind.VIRUS, "eicar"), Delivered.token(OTHER_AGENT));
        put(provider, "INBOX", stamped(sent));

        SampleSighting seen = only(look(List.of(sent)));

        assertEquals(SampleSighting.BY_TOKEN, seen.matchedBy());
        assertFalse(seen.deleted());
        assertEquals(1, contents(provider, "INBOX").size());
    }

    @Test
    @Timeout(30)
    void unrelatedMailIsNeverTouchedNorCounted() throws Exception {
        SentSample sent = accepted(sample(SampleKind.VIRUS, "eicar"), Delivered.token(AGENT));
        Watching.appendForeign(provider, "lunch on friday?", new jakarta.mail.Flags());
        put(provider, "INBOX", stamped(sent));

        CollectorLook look = look(List.of(sent));

        assertEquals(1, look.found().size());
        assertEquals(0, look.unmatched());
        assertEquals(List.of("lunch on friday?"), contents(provider, "INBOX"), "unread, unflagged, still there");
    }

    @Test
    @Timeout(30)
    void sampleMatchingNothingOutstandingIsCountedUnmatchedAndLeftAlone() throws Exception {
        SentSample old = accepted(sample(SampleKind.SPAM, "gtube"), Delivered.token(AGENT));
        SentSample outstanding = accepted(sample(SampleKind.SPAM, "gtube"), Delivered.token(AGENT));
        put(provider, "Junk", stamped(old)); // verified, ours, but its outcome is known already

        CollectorLook look = look(List.of(outstanding));

        assertEquals(Reason.NONE, look.failure(), look.detail());
        assertEquals(List.of(), look.found());
        assertEquals(1, look.unmatched());
        assertEquals(1, contents(provider, "Junk").size(), "left alone");
    }

    @Test
    @Timeout(30)
    void messageLeftInTheMailboxIsCountedUnmatchedOnceNotAtEveryLook() throws Exception {
        SentSample matched = accepted(sample(SampleKind.SPAM, "gtube"), Delivered.token(AGENT));
        SentSample stray = accepted(sample(SampleKind.SPAM, "gtube"), Delivered.token(AGENT));
        put(provider, "INBOX", filtered(stamped(matched), m -> Delivered.remove(m, TokenSigner.HEADER)));
        put(provider, "Junk", stamped(stray));
        SampleCollector collector = new SampleCollector(settings(provider.imap(), true), Watching.SIGNER,
                ProbeClock.system());

        CollectorLook first = collector.look(List.of(matched), ProbeClock.system().now().plusSeconds(15));
        CollectorLook second = collector.look(List.of(), ProbeClock.system().now().plusSeconds(15));

        assertEquals(1, first.found().size(), first.detail());
        assertEquals(1, first.unmatched(), "the stray, at the first look");
        assertEquals(Reason.NONE, second.failure(), second.detail());
        assertEquals(0, second.unmatched(), "the stray is counted once, and the sample seen before is no stray");
        assertEquals(1, contents(provider, "INBOX").size());
        assertEquals(1, contents(provider, "Junk").size());
    }

    @Test
    @Timeout(60)
    void mailboxFullOfOldSamplesIsLookedAtNewestFirstWithinItsBound() throws Exception {
        int old = SampleCollector.MAX_CANDIDATES + 5;
        for (int i = 0; i < old; i++) {
            put(provider, "INBOX", stamped(accepted(sample(SampleKind.SPAM, "gtube"), Delivered.token(AGENT))));
        }
        SentSample newest = accepted(sample(SampleKind.SPAM, "gtube"), Delivered.token(AGENT));
        put(provider, "INBOX", stamped(newest));

        CollectorLook look = look(settings(provider.imap(), false), List.of(newest));

        assertEquals(List.of(newest.key()), look.found().stream().map(SampleSighting::sampleKey).toList());
        assertEquals(SampleCollector.MAX_CANDIDATES - 1, look.unmatched(), "only the newest candidates are read");
        assertTrue(look.detail().contains(old + 1 + " candidates, only the newest " + SampleCollector.MAX_CANDIDATES),
                look.detail());
    }

    @Test
    @Timeout(30)
    void lookingWithoutDeletionLeavesSamplesUnread() throws Exception {
        SentSample sent = accepted(sample(SampleKind.CLEAN, "clean"), Delivered.token(AGENT));
        put(provider, "INBOX", stamped(sent));

        SampleSighting seen = only(look(settings(provider.imap(), false), List.of(sent)));

        assertFalse(seen.deleted());
        List<String> inbox = contents(provider, "INBOX");
        assertEquals(1, inbox.size());
        assertFalse(inbox.get(0).contains("\\Seen"), inbox.get(0));
    }

    @Test
    @Timeout(30)
    void missingFolderIsNamedInTheDetailAndTheOthersAreStillSearched() throws Exception {
        SentSample sent = accepted(sample(SampleKind.CLEAN, "clean"), Delivered.token(AGENT));
        put(provider, "INBOX", stamped(sent));
        CollectorSettings s = new CollectorSettings(provider.imap(), provider.account(), TestProvider.trusted(),
                TestProvider.FAST, List.of("Spam", "INBOX", CollectorSettings.JUNK), List.of(), List.of(SPAM_FLAG),
                List.of(VIRUS_STATUS), "agent.test", AGENT, true);

        CollectorLook look = look(s, List.of(sent));

        assertEquals(Reason.NONE, look.failure());
        assertEquals(1, look.found().size());
        assertTrue(look.detail().contains("folder Spam does not exist"), look.detail());
        assertTrue(look.detail().contains("no folder has the SPECIAL-USE attribute \\Junk"), look.detail());
    }

    @Test
    @Timeout(30)
    void accountWithOAuthSignsInWithItsBearerToken(@TempDir Path dir) throws Exception {
        // GreenMail takes the bearer token as the user's password.
        SentSample sent = accepted(sample(SampleKind.CLEAN, "clean"), Delivered.token(AGENT));
        put(provider, "INBOX", stamped(sent));
        Path file = Files.writeString(dir.resolve("token"), TestProvider.PASSWORD + "\n");
        BearerTokens tokens = BearerTokenSources.open(new TokenGrant.TokenFile(file), TlsPolicy.verified(),
                Timeouts.DEFAULT, Duration.ofMinutes(5), ProbeClock.system());
        CollectorSettings s = new CollectorSettings(provider.imap(),
                Account.oauth(TestProvider.USER, new OAuthLogin(tokens, OAuthMechanism.AUTO)), TestProvider.trusted(),
                TestProvider.FAST, List.of("INBOX"), List.of(), List.of(), List.of(), "agent.test", AGENT, true);

        SampleSighting seen = only(look(s, List.of(sent)));

        assertEquals(SampleSighting.BY_TOKEN, seen.matchedBy());
        assertTrue(seen.deleted());
    }

    @Test
    @Timeout(30)
    void wrongPasswordIsAnAuthFailureNotAnException() throws Exception {
        SentSample sent = accepted(sample(SampleKind.CLEAN, "clean"), Delivered.token(AGENT));
        CollectorSettings s = new CollectorSettings(provider.imap(), provider.accountWithPassword("wrong"),
                TestProvider.trusted(), TestProvider.FAST, List.of("INBOX"), List.of(), List.of(), List.of(),
                "agent.test", AGENT, true);

        CollectorLook look = look(s, List.of(sent));

        assertEquals(Reason.AUTH, look.failure(), look.detail());
        assertFalse(look.detail().contains("wrong"), "no secret in the detail: " + look.detail());
    }

    @Test
    @Timeout(30)
    void deadServerGivesAFailureReasonNotAnException() throws Exception {
        SentSample sent = accepted(sample(SampleKind.CLEAN, "clean"), Delivered.token(AGENT));
        ServerEndpoint dead = new ServerEndpoint("127.0.0.1", HostileServer.refusedPort(), TlsMode.PLAIN);

        CollectorLook look = look(settings(dead, true), List.of(sent));

        assertEquals(Reason.CONNECT, look.failure(), look.detail());
        assertEquals(List.of(), look.found());
    }

    @Test
    @Timeout(30)
    void serverThatStallsEndsTheLookAtItsDeadline() throws Exception {
        SentSample sent = accepted(sample(SampleKind.CLEAN, "clean"), Delivered.token(AGENT));
        try (HostileServer stalling = HostileServer.plain(HostileServer.send("* OK IMAP ready"),
                HostileServer.stall())) {
            ServerEndpoint endpoint = new ServerEndpoint("127.0.0.1", stalling.port(), TlsMode.PLAIN);
            SampleCollector collector = new SampleCollector(settings(endpoint, true), Watching.SIGNER,
                    ProbeClock.system());
            Instant deadline = ProbeClock.system().now().plus(Duration.ofSeconds(2));

            CollectorLook look = collector.look(List.of(sent), deadline);

            assertEquals(Reason.TIMEOUT, look.failure(), look.detail());
        }
    }
}
