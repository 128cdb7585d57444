package org.mailprobe.probes.internal;

import java.io.IOException;
import org.mailprobe.probes.Reason;

/**
 * A mail server sent more than {@link ReadLimits} allow (an endless line, a huge IMAP literal, an
 * endless answer): the read fails before the bytes reach Angus Mail. A {@link Reason#PROTOCOL}
 * failure. Its message says which bound, never what the server sent.
 */
public final class ReplyTooLongException extends IOException {
    private static final long serialVersionUID = 1L;

    public ReplyTooLongException(String message) {
        super(message);
    }
}
