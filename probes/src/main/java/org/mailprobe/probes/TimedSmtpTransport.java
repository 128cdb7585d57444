package org.mailprobe.probes;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import java.io.OutputStream;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus Mail's SMTP transport with a mark on the {@link StageTimeline} at each step of the
 * dialogue. It overrides only the protected steps that {@code protocolConnect} and
 * {@code sendMessage} call in order (EHLO, STARTTLS, MAIL, RCPT, DATA, the final dot); the
 * protocol itself is Angus Mail's.
 */
final class TimedSmtpTransport extends SMTPTransport {
    private final StageTimeline timeline;
    private int ehlos;

    TimedSmtpTransport(Session session, boolean implicitTls, StageTimeline timeline) {
        super(session, new URLName(implicitTls ? "smtps" : "smtp", null, -1, null, null, null),
                implicitTls ? "smtps" : "smtp", implicitTls);
        this.timeline = timeline;
    }

    @Override
    protected boolean ehlo(String domain) throws MessagingException {
        // The first EHLO follows the greeting; a second one follows STARTTLS and belongs to it.
        if (ehlos++ == 0) {
            timeline.begin(Stage.EHLO);
        }
        return super.ehlo(domain);
    }

    @Override
    protected void startTLS() throws MessagingException {
        timeline.begin(Stage.STARTTLS);
        super.startTLS();
    }

    /** Angus Mail's AUTH is private; this is the first thing it asks, right as AUTH begins. */
    @Override
    protected boolean supportsAuthentication(String mechanism) {
        timeline.begin(Stage.AUTH);
        return super.supportsAuthentication(mechanism);
    }

    @Override
    protected void mailFrom() throws MessagingException {
        timeline.begin(Stage.ENVELOPE);
        super.mailFrom();
    }

    @Override
    protected OutputStream data() throws MessagingException {
        timeline.begin(Stage.DATA);
        return super.data();
    }

    @Override
    protected void finishData() throws IOException, MessagingException {
        super.finishData();
        timeline.end();
    }
}
