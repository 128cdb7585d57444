package org.mailprobe.probes;

import java.io.IOException;

/**
 * A mail server sent more than {@link ReadLimits} allow (an endless line, a huge IMAP literal, an
 * endless answer): the read fails before the bytes reach Angus Mail. A {@link Reason#PROTOCOL}
 * failure. Its message says which bound, never what the server sent.
 */
final class ReplyTooLongException extends IOException {
    private static final long serialVersionUID = 1L;

    ReplyTooLongException(String message) {
        super(message);
    }
}
