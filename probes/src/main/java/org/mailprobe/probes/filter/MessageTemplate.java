package org.mailprobe.probes.filter;

/**
 * Builds a sample's message, before it is stamped with a token. (A stand-in with the agreed
 * signature so this lane compiles; lane i14-sample owns the real one.)
 */
public interface MessageTemplate {
    jakarta.mail.internet.MimeMessage build(jakarta.mail.Session session) throws jakarta.mail.MessagingException;
}
