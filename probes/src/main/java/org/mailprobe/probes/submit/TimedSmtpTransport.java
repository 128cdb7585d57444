package org.mailprobe.probes.submit;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.mailprobe.probes.Stage;
import org.mailprobe.probes.internal.StageTimeline;

/**
 * Angus Mail's SMTP transport with a mark on the {@link StageTimeline} at each step of the
 * dialogue. It overrides only the protected steps that {@code protocolConnect} and
 * {@code sendMessage} call in order (EHLO, STARTTLS, MAIL, RCPT, DATA, the final dot); the
 * protocol itself is Angus Mail's.
 */
final class TimedSmtpTransport extends SMTPTransport {
    private final StageTimeline timeline;
    private final HoldBeforeData hold;
    private final Instant holdUntil;
    private int ehlos;

    TimedSmtpTransport(Session session, boolean implicitTls, StageTimeline timeline, HoldBeforeData hold,
            Instant holdUntil) {
        super(session, new URLName(implicitTls ? "smtps" : "smtp", null, -1, null, null, null),
                implicitTls ? "smtps" : "smtp", implicitTls);
        this.timeline = timeline;
        this.hold = hold;
        this.holdUntil = holdUntil;
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
        if (hold != HoldBeforeData.NONE) {
            awaitHold();
        }
        timeline.begin(Stage.DATA);
        return super.data();
    }

    /**
     * Holds the dialogue before DATA, outside every stage. Given up, it fails with an I/O cause,
     * on which Angus Mail drops the connection: the message is never sent.
     */
    private void awaitHold() throws MessagingException {
        timeline.hold();
        boolean ready;
        try {
            ready = hold.awaitReady(holdUntil);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ready = false;
        }
        if (!ready) {
            throw new MessagingException("the probe was not sent: held before DATA until its watchers were ready, "
                    + "which they were not by " + holdUntil, new java.io.InterruptedIOException("held before DATA"));
        }
    }

    @Override
    protected void finishData() throws IOException, MessagingException {
        super.finishData();
        timeline.end();
    }
}
