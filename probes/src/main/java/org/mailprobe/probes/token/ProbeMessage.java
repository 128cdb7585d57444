package org.mailprobe.probes.token;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import org.mailprobe.probes.ProbeToken;

/** Builds the probe message: the signed token in a header and a body that says what it is. */
public final class ProbeMessage {
    private ProbeMessage() {}

    /**
     * What every probe's subject starts with: a webmail watcher searches for it, then verifies the
     * token in the message's header (the subject alone is not signed).
     */
    public static final String SUBJECT_PREFIX = "[mailprobe] SLA probe";

    /** The subject line; carries route and sequence so a person (or webmail search) can find it. */
    public static String subject(ProbeToken token) {
        return SUBJECT_PREFIX + " " + token.route() + " #" + token.sequence();
    }

    public static MimeMessage build(Session session, String from, String to, ProbeToken token,
            TokenSigner signer) throws MessagingException {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress(from, true));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
        message.setSubject(subject(token), StandardCharsets.UTF_8.name());
        message.setSentDate(Date.from(token.stampedAt()));
        message.setHeader(TokenSigner.HEADER, signer.sign(token));
        message.setHeader("Auto-Submitted", "auto-generated"); // RFC 3834: no auto-replies to us
        message.setHeader("X-Auto-Response-Suppress", "All");
        message.setText(body(token), StandardCharsets.UTF_8.name());
        message.saveChanges();
        return message;
    }

    private static String body(ProbeToken token) {
        return "This is an automated SLA probe message sent by mailprobe.\r\n"
                + "\r\n"
                + "It measures how long mail takes to be delivered. It is not spam and needs no\r\n"
                + "action; the probe agent deletes it automatically once it has been measured.\r\n"
                + "\r\n"
                + "Agent: " + token.agentId() + "\r\n"
                + "Route: " + token.route() + "\r\n"
                + "Sequence: " + token.sequence() + "\r\n"
                + "Sent: " + DateTimeFormatter.ISO_INSTANT.format(token.stampedAt()) + "\r\n";
    }
}
