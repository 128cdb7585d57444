package org.mailprobe.probes.filter;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mailprobe.probes.ProbeToken;
import org.mailprobe.probes.token.TokenSigner;

/**
 * Stamps a sample with its token, so that it is found again however the filter treats it: the
 * signed token in {@code X-Mailprobe-Token}, its key in the Message-ID and in the subject (both
 * unsigned, for when a filter strips or rewrites our header), From, To, Date, and the RFC 3834
 * headers every probe carries. Only the headers change: a corpus sample's body and attachments are
 * sent byte for byte.
 */
public final class SampleMessages {
    /** What every sample's subject starts with; route, sequence and variant follow. */
    public static final String SUBJECT_PREFIX = "[mailprobe] filter sample";
    /** The Message-ID's right-hand side: {@code <KEY@mailprobe>}. */
    public static final String MESSAGE_ID_DOMAIN = "mailprobe";

    /**
     * Headers a corpus message may carry that stamping replaces or that must not travel with a
     * sample: the addresses (a sample goes to the configured mailbox only, and replies come to us),
     * our own headers, and Return-Path and Delivered-To, which the receiving side adds (RFC 5321
     * section 4.4; a Delivered-To naming the recipient makes Postfix bounce it as a loop).
     */
    private static final List<String> REPLACED = List.of("From", "Sender", "Reply-To", "To", "Cc", "Bcc",
            "Date", "Subject", "Message-ID", TokenSigner.HEADER, "Auto-Submitted", "X-Auto-Response-Suppress",
            "Return-Path", "Delivered-To", "Resent-From", "Resent-Sender", "Resent-To", "Resent-Cc",
            "Resent-Bcc", "Resent-Date", "Resent-Message-ID");
    /**
     * A corpus sample kept from a mailbox behind a filter carries that filter's verdict; left in,
     * it would be read as the provider's tag. SpamAssassin's and ClamAV's (the defaults) go.
     */
    private static final Set<String> VERDICT_PREFIXES = Set.of("x-spam-", "x-virus-");

    private SampleMessages() {}

    /** The subject of {@code token}'s sample: {@code [mailprobe] filter sample ROUTE #SEQ VARIANT}. */
    public static String subject(ProbeToken token, String variant) {
        return SUBJECT_PREFIX + " " + token.route() + " #" + token.sequence() + " " + variant;
    }

    /**
     * {@code <KEY@mailprobe>}, the token's key with anything a Message-ID's left side may not hold
     * (RFC 5322 section 3.6.4, dot-atom-text) replaced by {@code -}. Agent ids and route names are
     * already safe, so the key is kept as it is.
     */
    public static String messageId(ProbeToken token) {
        StringBuilder id = new StringBuilder("<");
        for (char c : token.key().toCharArray()) {
            id.append(isAtext(c) || c == '.' ? c : '-');
        }
        return id.append('@').append(MESSAGE_ID_DOMAIN).append('>').toString();
    }

    /** The sample's message as sent: built from its template, stamped for {@code token} from {@code from} to {@code to}. */
    public static MimeMessage stamp(Session s, FilterSample sample, ProbeToken token, TokenSigner signer, String from,
            String to) throws MessagingException {
        MimeMessage message = sample.template().build(s);
        for (String header : REPLACED) {
            message.removeHeader(header);
        }
        for (String header : verdictHeaders(message)) {
            message.removeHeader(header);
        }
        message.setFrom(new InternetAddress(from, true));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
        message.setSubject(subject(token, sample.variant()), StandardCharsets.UTF_8.name());
        message.setSentDate(Date.from(token.stampedAt()));
        message.setHeader(TokenSigner.HEADER, signer.sign(token));
        message.setHeader("Auto-Submitted", "auto-generated"); // RFC 3834: no auto-replies to us
        message.setHeader("X-Auto-Response-Suppress", "All");
        return new Stamped(message, messageId(token));
    }

    private static List<String> verdictHeaders(MimeMessage message) throws MessagingException {
        List<String> names = new ArrayList<>();
        for (jakarta.mail.Header h : Collections.list(message.getAllHeaders())) {
            String lower = h.getName().toLowerCase(Locale.ROOT);
            if (VERDICT_PREFIXES.stream().anyMatch(lower::startsWith)) {
                names.add(h.getName());
            }
        }
        return names;
    }

    private static boolean isAtext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    /**
     * A copy of the stamped message that keeps our Message-ID: Jakarta Mail replaces a message's
     * Message-ID with one of its own whenever it saves changes. The copy is made by writing and
     * parsing the original, which leaves its body bytes as they were.
     */
    private static final class Stamped extends MimeMessage {
        private final String id;

        Stamped(MimeMessage source, String id) throws MessagingException {
            super(source);
            this.id = id;
            setHeader("Message-ID", id);
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", id);
        }
    }
}
