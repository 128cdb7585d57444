package org.mailprobe.probes.filter;

import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.mailprobe.probes.ProbeClock;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.Reason;
import org.mailprobe.probes.internal.MailSessions;
import org.mailprobe.probes.submit.SubmissionResult;
import org.mailprobe.probes.testing.TestProvider;
import org.mailprobe.probes.testing.Watching;
import org.mailprobe.probes.token.TokenSigner;

/**
 * Samples as a filter would leave them in the test mailbox: stamped as lane i14-sample's
 * SampleMessages does (token header, {@code <KEY@mailprobe>}, the subject), then changed the way a
 * filter changes mail, and put straight into a folder.
 */
final class Delivered {
    static final String ROUTE = "filter-in";
    static final String BODY = "This is an automated SLA probe of the mail provider's filters. Please ignore it.";
    /** A harmless stand-in for a malicious attachment: what matters is that it comes back byte for byte. */
    static final byte[] ATTACHMENT = "harmless stand-in payload 0123456789".getBytes(StandardCharsets.US_ASCII);

    private static long sequence = 100;

    private Delivered() {}

    /** A sample like the built-in virus ones: a text body and an attachment. */
    static FilterSample sample(SampleKind kind, String variant) {
        return new FilterSample(kind, variant, session -> {
            MimeMessage m = new MimeMessage(session);
            MimeBodyPart text = new MimeBodyPart();
            text.setText(BODY, "UTF-8");
            MimeBodyPart file = new MimeBodyPart();
            file.setContent(ATTACHMENT, "application/octet-stream");
            file.setFileName("sample.bin");
            file.setHeader("Content-Transfer-Encoding", "base64");
            m.setContent(new MimeMultipart(text, file));
            return m;
        });
    }

    static synchronized ProbeToken token(String agent) {
        return new ProbeToken(agent, ROUTE, ++sequence, ProbeClock.system().now().truncatedTo(ChronoUnit.MILLIS));
    }

    /** Sent and accepted with a 250 after DATA. */
    static SentSample accepted(FilterSample sample, ProbeToken token) {
        Instant now = ProbeClock.system().now();
        return new SentSample(sample, token, SampleDirection.INBOUND,
                new SubmissionResult(token, Reason.NONE, null, now, now, Map.of(), "250 2.0.0 Ok: queued", ""));
    }

    /** The sample as it left the agent. */
    static MimeMessage stamped(SentSample sent, TokenSigner signer) throws MessagingException {
        Session session = MailSessions.session(new Properties());
        MimeMessage m = sent.sample().template().build(session);
        m.setFrom(new InternetAddress("samples@agent.example"));
        m.setRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(TestProvider.USER));
        m.setSubject("[mailprobe] filter sample " + sent.token().route() + " #" + sent.token().sequence() + " "
                + sent.sample().variant());
        m.setSentDate(new Date());
        m.setHeader(TokenSigner.HEADER, signer.sign(sent.token()));
        m.saveChanges();
        m.setHeader("Message-ID", "<" + sent.key() + "@mailprobe>"); // after saveChanges, which sets its own
        return m;
    }

    static MimeMessage stamped(SentSample sent) throws MessagingException {
        return stamped(sent, Watching.SIGNER);
    }

    /** {@code message} changed by {@code filter}, as a filter leaves it. */
    static MimeMessage filtered(MimeMessage message, Consumer<MimeMessage> filter) {
        filter.accept(message);
        return message;
    }

    /** Removes the attachment, as a virus filter that cleans does. */
    static void stripAttachment(MimeMessage m) {
        try {
            MimeMultipart parts = (MimeMultipart) m.getContent();
            parts.removeBodyPart(1);
            MimeBodyPart notice = new MimeBodyPart();
            notice.setText("The attachment sample.bin was removed by the virus filter.", "UTF-8");
            parts.addBodyPart(notice);
            m.setContent(parts);
            String id = m.getMessageID();
            m.saveChanges();
            m.setHeader("Message-ID", id);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void header(MimeMessage m, String name, String value) {
        try {
            m.setHeader(name, value);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void remove(MimeMessage m, String name) {
        try {
            m.removeHeader(name);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    static GreenMailUser user(TestProvider provider) {
        return provider.greenMail().getUserManager().getUser(TestProvider.USER);
    }

    static MailFolder folder(TestProvider provider, String name) throws Exception {
        var manager = provider.greenMail().getManagers().getImapHostManager();
        if ("INBOX".equals(name)) {
            return manager.getInbox(user(provider));
        }
        MailFolder existing = manager.getFolder(user(provider), name);
        return existing != null ? existing : manager.createMailbox(user(provider), name);
    }

    static void put(TestProvider provider, String folder, MimeMessage m) throws Exception {
        folder(provider, folder).appendMessage(m, new Flags(), new Date());
    }

    /** The subjects in {@code folder} with their flags (\Recent left out). */
    static List<String> contents(TestProvider provider, String folder) throws Exception {
        List<String> out = new ArrayList<>();
        for (StoredMessage m : folder(provider, folder).getMessages()) {
            Flags flags = new Flags(m.getFlags());
            flags.remove(Flags.Flag.RECENT);
            out.add(m.getMimeMessage().getSubject() + (flags.contains(Flags.Flag.SEEN) ? " \\Seen" : "")
                    + (flags.contains(Flags.Flag.DELETED) ? " \\Deleted" : ""));
        }
        return out;
    }
}
