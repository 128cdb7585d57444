package org.mailprobe.probes.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.Flags;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.mailprobe.probes.AccessPath;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.Arrival;
import org.mailprobe.probes.ArrivalListener;
import org.mailprobe.probes.ArrivalWatcher;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsPolicy;
import org.mailprobe.probes.internal.MailSessions;
import org.mailprobe.probes.token.ProbeMessage;
import org.mailprobe.probes.token.TokenSigner;
import org.mailprobe.probes.watch.WatchSettings;

/** What the watcher tests share: keys, probe delivery, a recording listener, mailbox snapshots. */
public final class Watching {
    public static final String AGENT = "agent-1";
    public static final String OTHER_AGENT = "agent-2";
    public static final String ROUTE = "loop";
    public static final TokenSigner SIGNER = new TokenSigner(key(1));
    public static final TokenSigner WRONG_SIGNER = new TokenSigner(key(2));

    private static long sequence;

    private Watching() {}

    public static byte[] key(int seed) {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (seed * 31 + i);
        }
        return key;
    }

    public static synchronized ProbeToken token(String agent) {
        return new ProbeToken(agent, ROUTE, ++sequence,
                ProbeClock.system().now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    }

    public static WatchSettings settings(TestProvider provider, ServerEndpoint endpoint, Account account, TlsPolicy tls,
            boolean delete, boolean useIdle) {
        return new WatchSettings(endpoint, account, tls, TestProvider.FAST, "INBOX", Duration.ofMillis(200),
                Duration.ofSeconds(60), delete, "agent.test", AGENT, useIdle);
    }

    public static WatchSettings settings(TestProvider provider, ServerEndpoint endpoint, boolean delete) {
        return settings(provider, endpoint, provider.account(), TestProvider.trusted(), delete, true);
    }

    /** A probe submitted through the provider's SMTP; returns when the server accepted it. */
    public static Delivery sendProbe(TestProvider provider, ProbeToken token, TokenSigner signer) throws MessagingException {
        Session session = smtpSession(provider);
        MimeMessage message = ProbeMessage.build(session, "agent@example.test", TestProvider.USER, token, signer);
        Instant before = ProbeClock.system().now();
        Transport.send(message);
        return new Delivery(token, before, ProbeClock.system().now());
    }

    public static Delivery sendProbe(TestProvider provider, String agent) throws MessagingException {
        return sendProbe(provider, token(agent), SIGNER);
    }

    /** Sends a message whose token header is {@code tokenHeader}, or none if null. */
    public static void sendWithHeader(TestProvider provider, String subject, String tokenHeader) throws MessagingException {
        Session session = smtpSession(provider);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("someone@example.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(TestProvider.USER));
        message.setSubject(subject);
        if (tokenHeader != null) {
            message.setHeader(TokenSigner.HEADER, tokenHeader);
        }
        message.setText("Not a probe of ours.", StandardCharsets.UTF_8.name());
        message.saveChanges();
        Transport.send(message);
    }

    /** Puts a user's message straight into the store, with flags, as another client would have left it. */
    public static void appendForeign(TestProvider provider, String subject, Flags flags) throws Exception {
        MimeMessage message = new MimeMessage((Session) null);
        message.setFrom(new InternetAddress("friend@example.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(TestProvider.USER));
        message.setSubject(subject);
        message.setText("A user's own mail.", StandardCharsets.UTF_8.name());
        message.saveChanges();
        inbox(provider).appendMessage(message, flags, new Date());
    }

    public static MailFolder inbox(TestProvider provider) {
        GreenMail gm = provider.greenMail();
        try {
            return gm.getManagers().getImapHostManager().getInbox(gm.getUserManager().getUser(TestProvider.USER));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Subject to the message's persistent system flags (\Recent left out: a session changes it). */
    public static Map<String, String> snapshot(TestProvider provider) throws MessagingException {
        Map<String, String> state = new TreeMap<>();
        for (StoredMessage m : provider.inbox()) {
            Flags flags = new Flags(m.getFlags());
            flags.remove(Flags.Flag.RECENT);
            List<String> names = new ArrayList<>();
            for (Flags.Flag f : flags.getSystemFlags()) {
                names.add(flagName(f));
            }
            names.addAll(Arrays.asList(flags.getUserFlags()));
            names.sort(null);
            state.put(m.getMimeMessage().getSubject(), String.join(",", names));
        }
        return state;
    }

    public static boolean present(TestProvider provider, ProbeToken token) throws MessagingException {
        return snapshot(provider).containsKey(ProbeMessage.subject(token));
    }

    public static String flags(TestProvider provider, String subject) throws MessagingException {
        return snapshot(provider).get(subject);
    }

    private static String flagName(Flags.Flag f) {
        if (f == Flags.Flag.SEEN) {
            return "\\Seen";
        } else if (f == Flags.Flag.DELETED) {
            return "\\Deleted";
        } else if (f == Flags.Flag.FLAGGED) {
            return "\\Flagged";
        } else if (f == Flags.Flag.ANSWERED) {
            return "\\Answered";
        } else if (f == Flags.Flag.DRAFT) {
            return "\\Draft";
        }
        return f.toString();
    }

    private static Session smtpSession(TestProvider provider) {
        Instant now = ProbeClock.system().now();
        return MailSessions.session(MailSessions.properties("smtp", provider.smtp(), TestProvider.trusted(),
                TestProvider.FAST, "agent.test", now, now.plusSeconds(30)));
    }

    /** Waits for {@code condition}, checking every 20 ms, failing after {@code max}. */
    public static void await(String what, Duration max, ThrowingCondition condition) throws Exception {
        long end = System.nanoTime() + max.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > end) {
                fail("gave up waiting after " + max.toMillis() + " ms for: " + what);
            }
            Thread.sleep(20);
        }
    }

    public static void await(String what, BooleanSupplier condition) throws Exception {
        await(what, Duration.ofSeconds(10), condition::getAsBoolean);
    }

    public interface ThrowingCondition {
        boolean holds() throws Exception;
    }

    public record Delivery(ProbeToken token, Instant before, Instant accepted) {}

    /** Records what a watcher reports; answers onArrival with {@link #measured}, or throws. */
    public static final class Recorder implements ArrivalListener {
        public final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
        public final List<Reason> failures = new CopyOnWriteArrayList<>();
        public volatile boolean measured = true;
        public volatile boolean throwing;
        /** The answer to {@link #mayDeleteNow}: whether a probe kept earlier is finished now. */
        public volatile boolean finishedLater;
        public final List<ProbeToken> askedLater = new CopyOnWriteArrayList<>();
        public final List<String> skipped = new CopyOnWriteArrayList<>();

        @Override
        public void onWebmailSkipped(String mailbox, String reason) {
            skipped.add(reason);
        }

        @Override
        public boolean mayDeleteNow(ProbeToken token, AccessPath path, String mailbox) {
            askedLater.add(token);
            return finishedLater;
        }

        /** Set to have {@link #keptAtArrival} record its {@code keptForDeletion()} as each arrival is reported. */
        public volatile ArrivalWatcher watched;
        public final List<Integer> keptAtArrival = new CopyOnWriteArrayList<>();

        @Override
        public boolean onArrival(Arrival arrival) {
            ArrivalWatcher w = watched;
            if (w != null) {
                keptAtArrival.add(w.keptForDeletion());
            }
            arrivals.add(arrival);
            if (throwing) {
                throw new IllegalStateException("a listener bug");
            }
            return measured;
        }

        @Override
        public void onWatchFailure(AccessPath path, String mailbox, Reason reason) {
            failures.add(reason);
        }

        public List<Arrival> of(ProbeToken token) {
            return arrivals.stream().filter(a -> a.token().equals(token)).toList();
        }

        public boolean saw(ProbeToken token) {
            return !of(token).isEmpty();
        }

        public Arrival awaitArrival(ProbeToken token) throws Exception {
            await("arrival of " + token.key(), () -> saw(token));
            return of(token).get(0);
        }
    }
}
