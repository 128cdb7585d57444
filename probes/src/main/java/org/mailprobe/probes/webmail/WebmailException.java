package org.mailprobe.probes.webmail;

import java.io.IOException;
import java.util.Objects;
import org.mailprobe.probes.ClassifiedFailure;
import org.mailprobe.probes.Reason;

/**
 * A webmail request failed in a way the driver understood: the login was refused, the session is
 * gone, an answer was not what the driver reads, or an HTTP status said no. Its message is written
 * by the driver and never holds page content, a cookie, a form token or a password.
 */
public final class WebmailException extends IOException implements ClassifiedFailure {
    private static final long serialVersionUID = 1L;

    private final Reason reason;
    private final boolean oversized;

    public WebmailException(Reason reason, String message) {
        this(reason, message, false);
    }

    private WebmailException(Reason reason, String message, boolean oversized) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.oversized = oversized;
    }

    /** An answer longer than the client reads ({@link Reason#PROTOCOL}). */
    static WebmailException oversized(String message) {
        return new WebmailException(Reason.PROTOCOL, message, true);
    }

    /** The answer was longer than the client reads: about that one request, not the session. */
    public boolean isOversized() {
        return oversized;
    }

    @Override
    public Reason reason() {
        return reason;
    }

    /** The session has ended (expired, logged out elsewhere): a fresh login may help. */
    public boolean sessionLost() {
        return reason == Reason.SESSION;
    }

    static WebmailException status(String what, int status) {
        return new WebmailException(Reason.HTTP_STATUS, what + " answered HTTP " + status);
    }
}
