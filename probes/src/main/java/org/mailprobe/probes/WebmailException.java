package org.mailprobe.probes;

import java.io.IOException;
import java.util.Objects;

/**
 * A webmail request failed in a way the driver understood: the login was refused, the session is
 * gone, an answer was not what the driver reads, or an HTTP status said no. Its message is written
 * by the driver and never holds page content, a cookie, a form token or a password.
 */
public final class WebmailException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Reason reason;

    public WebmailException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

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
