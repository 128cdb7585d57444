package org.mailprobe.probes.submit;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * The message one SMTP dialogue sends, built on the dialogue's own session once the connection is
 * up: the probe message for the delay legs, a filter sample for clause 6. Whatever it builds is
 * sent to the dialogue's one envelope recipient only, never to the addresses its headers name.
 */
@FunctionalInterface
public interface OutgoingMessage {
    MimeMessage build(Session session) throws MessagingException;
}
