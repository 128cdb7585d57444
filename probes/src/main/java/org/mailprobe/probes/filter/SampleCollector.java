package org.mailprobe.probes.filter;

import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.search.AndTerm;
import jakarta.mail.search.FlagTerm;
import jakarta.mail.search.HeaderTerm;
import jakarta.mail.search.NotTerm;
import jakarta.mail.search.OrTerm;
import jakarta.mail.search.SearchTerm;
import jakarta.mail.search.SubjectTerm;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.jspecify.annotations.Nullable;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.OAuthLogin;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.Secret;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.TokenException;
import org.mailprobe.probes.internal.BoundedReads;
import org.mailprobe.probes.internal.FailureClassifier;
import org.mailprobe.probes.internal.MailSessions;
import org.mailprobe.probes.internal.ReadLimits;
import org.mailprobe.probes.internal.ReplyTooLongException;
import org.mailprobe.probes.internal.UidDeletion;
import org.mailprobe.probes.internal.Watchdog;
import org.mailprobe.probes.oauth.OAuthImapStore;
import org.mailprobe.probes.oauth.OAuthSasl;
import org.mailprobe.probes.token.TokenSigner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds sent samples again in the mailbox that receives them, one IMAP session per look: each
 * watched folder is searched for what looks like a sample (token header, our Message-ID, our
 * subject), each candidate matched to an outstanding sample and described (folder, tag, payload
 * intact). Nothing is marked \Seen (BODY.PEEK). A sample is deleted only when its verified token
 * names this agent and matches an outstanding sample; every other message is left as it is. Never
 * throws for a network fault: the look says why it ended, with what it found until then.
 */
public final class SampleCollector {
    private static final Logger logger = LoggerFactory.getLogger(SampleCollector.class);
    /** Candidates looked at per folder, newest first: a mailbox full of old samples stays bounded. */
    static final int MAX_CANDIDATES = 200;
    /** A delivered sample larger than this is not fetched: it is judged intact, and the look says so. */
    static final int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
    /** Messages remembered as accounted for; the oldest are forgotten first. */
    static final int KNOWN_MESSAGES = 10_000;

    private final CollectorSettings settings;
    private final TokenSigner signer;
    private final ProbeClock clock;
    /**
     * Messages already accounted for (seen as a sample and left, or counted unmatched), by folder,
     * UIDVALIDITY and UID: a message left in the mailbox is counted unmatched once, not at every look.
     */
    private final KnownMessages known = new KnownMessages(KNOWN_MESSAGES);
    /** Each sample's payload, from its template, built once. */
    private final Map<FilterSample, Payloads.Expected> expected = new ConcurrentHashMap<>();

    public SampleCollector(CollectorSettings settings, TokenSigner signer, ProbeClock clock) {
        this.settings = settings;
        this.signer = signer;
        this.clock = clock;
    }

    /** One look into every configured folder for the {@code outstanding} samples, done by {@code deadline}. */
    public CollectorLook look(Collection<SentSample> outstanding, Instant deadline) {
        Instant now = clock.now();
        if (!now.isBefore(deadline)) {
            return new CollectorLook(List.of(), 0, Reason.TIMEOUT, "the look's deadline had passed before it began");
        }
        Look look = new Look(new SampleIndex(outstanding, signer));
        AtomicBoolean expired = new AtomicBoolean();
        BoundedReads reads = new BoundedReads(ReadLimits.imap(settings.timeouts().read().multipliedBy(2)),
                settings.tls().socketFactory());
        Holder holder = new Holder();
        // The watchdog only closes the sockets (the shared timer must never wait on a store's lock);
        // the look's own thread then fails at once and closes the store.
        try (Watchdog.Armed dog = Watchdog.arm(now, deadline, () -> {
            expired.set(true);
            reads.close();
        })) {
            IMAPStore store = connect(reads, now, deadline, holder);
            look.run(store);
            return look.result(Reason.NONE, "");
        } catch (MessagingException | IOException | RuntimeException e) {
            Reason reason = expired.get() || reads.expired() ? Reason.TIMEOUT
                    : settings.endpoint().tlsMode() == TlsMode.STARTTLS && reads.startTlsNotLayered()
                            ? FailureClassifier.classifyWithoutTlsAfterStartTls(e)
                            : FailureClassifier.classify(e);
            String detail = (expired.get() ? "the look's deadline passed: " : "") + FailureClassifier.describe(e);
            logger.info("A look for filter samples failed. mailbox={} reason={} found={} detail={}",
                    settings.account().user(), reason.label(), look.found.size(), detail);
            return look.result(reason, detail);
        } finally {
            holder.close(reads);
        }
    }

    private IMAPStore connect(BoundedReads reads, Instant now, Instant deadline, Holder holder)
            throws MessagingException {
        Properties props = MailSessions.properties("imap", settings.endpoint(), settings.tls(), settings.timeouts(),
                settings.localHost(), now, deadline);
        String protocol = MailSessions.protocol("imap", settings.endpoint().tlsMode());
        props.put("mail." + protocol + ".socketFactory", reads.plainFactory());
        props.put("mail." + protocol + ".ssl.socketFactory", reads.tlsFactory());
        // Without this, a factory that fails is silently replaced by an unbounded plain socket.
        props.setProperty("mail." + protocol + ".socketFactory.fallback", "false");
        // BODY.PEEK: looking at a sample must not mark it (or anything) \Seen.
        props.setProperty("mail." + protocol + ".peek", "true");
        Session session = MailSessions.session(props);
        Account account = settings.account();
        OAuthLogin oauth = account.oauth();
        IMAPStore store = oauth != null
                ? new OAuthImapStore(session, settings.endpoint().tlsMode() == TlsMode.IMPLICIT, oauth.mechanism())
                : (IMAPStore) session.getStore(protocol);
        holder.store = store;
        Secret secret = oauth == null ? account.password() : bearer(oauth, deadline);
        try {
            store.connect(settings.endpoint().host(), settings.endpoint().port(), account.user(), secret.reveal());
        } catch (MessagingException e) {
            if (oauth != null && OAuthSasl.tokenRefused(e)) {
                oauth.tokens().refused(secret); // the next look signs in with a fresh one
            }
            throw e;
        }
        return store;
    }

    private static Secret bearer(OAuthLogin oauth, Instant deadline) throws MessagingException {
        try {
            return oauth.tokens().current(deadline);
        } catch (TokenException e) {
            // Carried as the cause: the classifier finds it and says TOKEN.
            throw new MessagingException(e.getMessage(), e);
        }
    }

    private Payloads.Expected expected(FilterSample sample) {
        return expected.computeIfAbsent(sample, s -> {
            try {
                // A corpus message is judged by its attachments only (see Payloads.of).
                return Payloads.of(s.template().build(MailSessions.session(new Properties())),
                        !s.variant().startsWith(SampleCorpus.CORPUS_PREFIX));
            } catch (MessagingException | IOException | RuntimeException e) {
                // Our own template: a bug, not the provider's doing. Nothing is expected, so the
                // sample is judged intact, and the log says why.
                logger.warn("A sample's template could not be taken apart; its payload is not checked. variant={} "
                        + "error={}", s.variant(), FailureClassifier.describe(e));
                return new Payloads.Expected(Set.of(), List.of());
            }
        });
    }

    /** The store of the running look, for the watchdog. */
    private static final class Holder {
        volatile @Nullable Store store;

        void close(BoundedReads reads) {
            Store s = store;
            if (s != null) {
                try {
                    s.close();
                } catch (MessagingException | RuntimeException e) {
                    logger.debug("Closing the collector's IMAP store failed. error={}", FailureClassifier.describe(e));
                }
            }
            reads.close();
        }
    }

    /** One look's state. */
    private final class Look {
        final SampleIndex index;
        final Map<String, SampleSighting> found = new LinkedHashMap<>();
        final List<String> notes = new ArrayList<>();
        int unmatched;

        Look(SampleIndex index) {
            this.index = index;
        }

        CollectorLook result(Reason reason, String detail) {
            List<String> all = new ArrayList<>(notes);
            if (!detail.isEmpty()) {
                all.add(detail);
            }
            return new CollectorLook(new ArrayList<>(found.values()), unmatched, reason, String.join("; ", all));
        }

        void run(IMAPStore store) throws MessagingException, IOException {
            boolean uidplus = store.hasCapability("UIDPLUS");
            Map<String, Set<String>> listed = listFolders(store);
            Set<String> junk = new HashSet<>(settings.junkFolders());
            listed.forEach((name, attributes) -> {
                if (attributes.contains(CollectorSettings.JUNK)) {
                    junk.add(name);
                }
            });
            for (String name : resolve(listed)) {
                IMAPFolder folder = (IMAPFolder) store.getFolder(name);
                folder.open(settings.deleteVerified() ? Folder.READ_WRITE : Folder.READ_ONLY);
                try {
                    lookIn(folder, junk.contains(name), uidplus);
                } finally {
                    // false: never expunge on close; only our own samples go, by UID EXPUNGE.
                    folder.close(false);
                }
            }
        }

        /** Every folder's full name and its LIST attributes (RFC 6154 special-use ones among them). */
        private Map<String, Set<String>> listFolders(IMAPStore store) throws MessagingException {
            Map<String, Set<String>> listed = new LinkedHashMap<>();
            for (Folder f : store.getDefaultFolder().list("*")) {
                listed.put(f.getFullName(), Set.of(((IMAPFolder) f).getAttributes()));
            }
            return listed;
        }

        /** The configured folders that exist, in order; the others are noted. */
        private List<String> resolve(Map<String, Set<String>> listed) {
            List<String> names = new ArrayList<>();
            for (String wanted : settings.folders()) {
                Optional<String> name;
                if (CollectorSettings.JUNK.equals(wanted)) {
                    name = listed.entrySet().stream().filter(e -> e.getValue().contains(CollectorSettings.JUNK))
                            .map(Map.Entry::getKey).findFirst();
                    if (name.isEmpty()) {
                        notes.add("no folder has the SPECIAL-USE attribute \\Junk");
                    }
                } else {
                    name = listed.keySet().stream().filter(n -> n.equals(wanted)
                            || ("INBOX".equalsIgnoreCase(wanted) && "INBOX".equalsIgnoreCase(n))).findFirst();
                    if (name.isEmpty()) {
                        notes.add("folder " + wanted + " does not exist");
                    }
                }
                name.filter(n -> !names.contains(n)).ifPresent(names::add);
            }
            return names;
        }

        private void lookIn(IMAPFolder folder, boolean junkFolder, boolean uidplus)
                throws MessagingException, IOException {
            int[] numbers = search(folder);
            Instant seenAt = clock.now();
            if (numbers.length > MAX_CANDIDATES) {
                notes.add(folder.getFullName() + ": " + numbers.length + " candidates, only the newest "
                        + MAX_CANDIDATES + " looked at");
                numbers = Arrays.copyOfRange(numbers, numbers.length - MAX_CANDIDATES, numbers.length);
            }
            if (numbers.length == 0) {
                return;
            }
            Message[] messages = folder.getMessages(numbers);
            FetchProfile profile = new FetchProfile();
            profile.add(UIDFolder.FetchProfileItem.UID);
            profile.add(FetchProfile.Item.SIZE);
            profile.add(TokenSigner.HEADER);
            profile.add("Message-ID");
            profile.add("Subject");
            folder.fetch(messages, profile);
            for (Message m : messages) {
                examine(folder, (IMAPMessage) m, junkFolder, uidplus, seenAt);
            }
        }

        /**
         * Message numbers of what may be a sample, not flagged \Deleted. Sent as one SEARCH on the
         * protocol directly: Angus's {@code Folder.search} falls back to fetching every message
         * when the server refuses a term, which no mailbox of a real user should cost.
         */
        private int[] search(IMAPFolder folder) throws MessagingException {
            SearchTerm ours = new OrTerm(new SearchTerm[] {
                new HeaderTerm(TokenSigner.HEADER, "v=1"),
                new HeaderTerm("Message-ID", SampleIndex.MESSAGE_ID_DOMAIN),
                new SubjectTerm(SampleIndex.SUBJECT_PREFIX)
            });
            SearchTerm term = new AndTerm(ours, new NotTerm(new FlagTerm(new jakarta.mail.Flags(
                    jakarta.mail.Flags.Flag.DELETED), true)));
            Object r = folder.doCommand(p -> {
                try {
                    return p.search(term);
                } catch (jakarta.mail.search.SearchException e) {
                    throw new org.eclipse.angus.mail.iap.ProtocolException("the search could not be sent", e);
                }
            });
            return r instanceof int[] ? (int[]) r : new int[0];
        }

        private void examine(IMAPFolder folder, IMAPMessage m, boolean junkFolder, boolean uidplus, Instant seenAt)
                throws MessagingException, IOException {
            if (m.isExpunged()) {
                return;
            }
            String subject = subject(m);
            String[] ids = m.getHeader("Message-ID");
            Optional<SampleIndex.Match> match = index.match(m.getHeader(TokenSigner.HEADER),
                    ids == null || ids.length == 0 ? null : ids[0], subject);
            String where = folder.getFullName() + "/" + folder.getUIDValidity() + "/" + folder.getUID(m);
            if (match.isEmpty()) {
                if (SampleIndex.looksLikeOurs(subject) && known.remember(where)) {
                    unmatched++;
                    logger.info("A message that looks like a filter sample matches none outstanding; it is left "
                            + "alone. folder={} uid={}", folder.getFullName(), folder.getUID(m));
                }
                return;
            }
            SentSample sent = match.get().sent();
            if (found.containsKey(sent.key())) {
                return; // seen in an earlier folder, or twice: the first sighting stands
            }
            MimeMessage copy = copy(folder, m);
            boolean intact = copy == null || intact(sent, copy, folder.getFullName());
            String tag = tag(sent.sample().kind(), copy != null ? copy : m);
            // Kept before the deletion: a connection lost during it still reports the sample seen.
            SampleSighting seen = new SampleSighting(sent.key(), folder.getFullName(), junkFolder, seenAt,
                    match.get().matchedBy(), tag, intact, false);
            found.put(sent.key(), seen);
            known.remember(where); // left in the mailbox: never a stray at a later look
            ProbeToken verified = match.get().verified();
            if (verified != null && settings.ownAgentId().equals(verified.agentId()) && settings.deleteVerified()
                    && delete(folder, m, uidplus, sent.key())) {
                found.put(sent.key(), new SampleSighting(seen.sampleKey(), seen.folder(), seen.junkFolder(),
                        seen.seenAt(), seen.matchedBy(), seen.tag(), seen.intact(), true));
            }
        }

        /** The whole message, read once; null (and noted) if it is too large to take apart. */
        private @Nullable MimeMessage copy(IMAPFolder folder, IMAPMessage m) throws MessagingException, IOException {
            int size = m.getSize();
            if (size > MAX_MESSAGE_BYTES) {
                notes.add(folder.getFullName() + " uid " + folder.getUID(m) + ": " + size
                        + " bytes, not taken apart: judged intact");
                return null;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(1024, size)) {
                // A server may send more than the size it announced: the copy stops at the bound.
                @Override
                public synchronized void write(byte[] b, int off, int len) {
                    if (count + len > MAX_MESSAGE_BYTES) {
                        throw new UncheckedIOException(new ReplyTooLongException(
                                "the server sent more than " + MAX_MESSAGE_BYTES + " bytes for one message"));
                    }
                    super.write(b, off, len);
                }

                @Override
                public synchronized void write(int b) {
                    write(new byte[] {(byte) b}, 0, 1);
                }
            };
            try {
                m.writeTo(bytes); // BODY.PEEK[] in partial fetches, each bounded by the read limits
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            return new MimeMessage(MailSessions.session(new Properties()), new ByteArrayInputStream(bytes.toByteArray()));
        }

        private boolean intact(SentSample sent, MimeMessage copy, String folderName) {
            try {
                return Payloads.intact(expected(sent.sample()), copy);
            } catch (MessagingException | IOException | RuntimeException e) {
                // Not a network fault: the delivered message itself is broken or hostile (a zip
                // bomb, parts nested without end). The payload cannot be found, so it is not intact.
                notes.add(folderName + " sample " + sent.key() + ": cannot be taken apart ("
                        + FailureClassifier.describe(e) + "): judged not intact");
                return false;
            }
        }

        /** The first tag rule that matches: those of the sample's own kind first. */
        private @Nullable String tag(SampleKind kind, jakarta.mail.Part message) throws MessagingException {
            List<TagRule> rules = new ArrayList<>();
            if (kind == SampleKind.VIRUS) {
                rules.addAll(settings.virusTags());
                rules.addAll(settings.spamTags());
            } else {
                rules.addAll(settings.spamTags());
                rules.addAll(settings.virusTags());
            }
            for (TagRule rule : rules) {
                String[] values = message.getHeader(rule.header());
                if (values == null) {
                    continue;
                }
                for (String value : values) {
                    String unfolded = MimeUtility.unfold(value);
                    if (rule.matches(unfolded)) {
                        return rule.evidence(unfolded);
                    }
                }
            }
            return null;
        }

        /**
         * Deletes one sample by UID: UID STORE \Deleted, then UID EXPUNGE (RFC 4315). Without
         * UIDPLUS it is only flagged (a plain EXPUNGE would take the user's deleted mail too),
         * and the look says so. True only once it is expunged.
         */
        private boolean delete(IMAPFolder folder, IMAPMessage m, boolean uidplus, String key)
                throws MessagingException {
            long uid = folder.getUID(m);
            try {
                UidDeletion.flag(folder, uid);
                if (!uidplus) {
                    notes.add("sample " + key + " flagged \\Deleted, not expunged: the server does not offer UIDPLUS");
                    return false;
                }
                folder.expunge(new Message[] {m}); // UID EXPUNGE <uid>
                return true;
            } catch (jakarta.mail.FolderClosedException | jakarta.mail.StoreClosedException e) {
                throw e;
            } catch (MessagingException e) {
                logger.warn("A filter sample could not be deleted; it stays. folder={} uid={} sample={} error={}",
                        folder.getFullName(), uid, key, FailureClassifier.describe(e));
                notes.add("sample " + key + " not deleted: " + FailureClassifier.describe(e));
                return false;
            }
        }
    }

    private static @Nullable String subject(Message m) throws MessagingException {
        String[] values = m.getHeader("Subject");
        if (values == null || values.length == 0) {
            return null;
        }
        String raw = MimeUtility.unfold(values[0]);
        try {
            return MimeUtility.decodeText(raw);
        } catch (UnsupportedEncodingException e) {
            return raw;
        }
    }
}
