package org.mailprobe.probes.filter;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * Builds a sample's message as it is before it is stamped: its content (text, attachments, MIME
 * layout), without the sender, recipient, subject or token that {@link SampleMessages#stamp} adds.
 * Each call builds a fresh message.
 */
@FunctionalInterface
public interface MessageTemplate {
    MimeMessage build(Session session) throws MessagingException;
}
