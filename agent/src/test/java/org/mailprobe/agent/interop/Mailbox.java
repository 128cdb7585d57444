package org.mailprobe.agent.interop;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.HeaderTerm;
import jakarta.mail.search.SubjectTerm;
import java.time.Duration;
import java.time.Instant;
import org.mailprobe.probes.Account;
import org.mailprobe.probes.ServerEndpoint;
import org.mailprobe.probes.TlsMode;
import org.mailprobe.probes.internal.MailSessions;
import org.mailprobe.probes.testing.Testbed;
import org.mailprobe.probes.token.TokenSigner;

/** A test's own look into a testbed mailbox over IMAPS, and mail sent to it on port 25. */
final class Mailbox {
    private static final org.mailprobe.probes.Timeouts TIMEOUTS =
            new org.mailprobe.probes.Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(20));

    private Mailbox() {}

    static Store open(Testbed bed, Account account) throws MessagingException {
        ServerEndpoint imaps = bed.imaps();
        Session session = MailSessions.session(MailSessions.properties("imap", imaps, bed.tls(), TIMEOUTS,
                "interop.test", Instant.now(), Instant.now().plusSeconds(60)));
        Store store = session.getStore("imaps");
        store.connect(imaps.host(), imaps.port(), account.user(), account.password().reveal());
        return store;
    }

    /** Delivers a plain message, not a probe, to {@code to} through Postfix's port 25. */
    static void deliver(Testbed bed, String to, String subject) throws MessagingException {
        ServerEndpoint mx = new ServerEndpoint(bed.host(), bed.port("SMTP_PORT"), TlsMode.STARTTLS);
        Session session = MailSessions.session(MailSessions.properties("smtp", mx, bed.tls(), TIMEOUTS,
                "interop.test", Instant.now(), Instant.now().plusSeconds(60)));
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("someone@elsewhere.test"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        m.setSubject(subject);
        m.setText("A message of the user's own; mailprobe must never touch it.\n");
        try (Transport t = session.getTransport("smtp")) {
            t.connect();
            t.sendMessage(m, m.getAllRecipients());
        }
    }

    /** The INBOX message with this subject, waited for up to {@code within}; null if none came. */
    static Message await(Folder inbox, String subject, Duration within) throws MessagingException, InterruptedException {
        Instant until = Instant.now().plus(within);
        while (true) {
            Message[] found = inbox.search(new SubjectTerm(subject));
            if (found.length > 0) {
                return found[0];
            }
            if (Instant.now().isAfter(until)) {
                return null;
            }
            Thread.sleep(50);
        }
    }

    /** How many INBOX messages carry a probe token header (ours or anyone's). */
    static int probes(Folder inbox) throws MessagingException {
        return inbox.search(new HeaderTerm(TokenSigner.HEADER, "")).length;
    }

    static Flags flags(Message m) throws MessagingException {
        return m.getFlags();
    }
}
