package org.mailprobe.probes.filter;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;

/**
 * A customer's sample: the file's bytes as loaded. Each build parses them afresh, so the message
 * sent writes its body back exactly as it was read: Jakarta Mail keeps a parsed message's content
 * as raw bytes until something changes the content, and stamping changes headers only.
 */
final class CorpusTemplate implements MessageTemplate {
    private final byte[] raw;

    CorpusTemplate(byte[] raw) {
        this.raw = raw.clone();
    }

    @Override
    public MimeMessage build(Session session) throws MessagingException {
        return new MimeMessage(session, new ByteArrayInputStream(raw));
    }

    /** The file as loaded. */
    byte[] raw() {
        return raw.clone();
    }
}
