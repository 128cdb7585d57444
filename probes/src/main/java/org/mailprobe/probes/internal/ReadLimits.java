package org.mailprobe.probes.internal;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How much a mail server may send us, and how long it may take, for one command. Angus Mail reads
 * an IMAP literal into one array of the size the server announces, and lines and POP3 multi-line
 * answers into buffers that grow without end: these bounds are enforced under it, on the socket
 * (see {@link BoundedReads}), so a hostile server costs one failed command, not the heap.
 *
 * @param maxLine the longest line outside an IMAP literal, CRLF included
 * @param maxLiteral the largest IMAP literal ({@code {n}}) a server may announce; 0 for a line
 *     protocol (POP3, SMTP), where braces mean nothing
 * @param maxResponse everything read after one command was written, until the next is written
 * @param commandDeadline the longest a read may wait after the last command was written (or the
 *     connection opened); a server that trickles bytes resets the read timeout with each one but
 *     not this; null for none (the caller bounds the dialogue itself)
 * @param idleDeadline the same for an IMAP IDLE command (RFC 2177), which lasts until the client
 *     ends it with DONE; null where IDLE gets {@code commandDeadline} like any other command. Only
 *     IDLE: a greeting, a login or a fetch that trickles is cut at {@code commandDeadline}.
 */
public record ReadLimits(int maxLine, int maxLiteral, long maxResponse, @Nullable Duration commandDeadline,
        @Nullable Duration idleDeadline) {
    /** 64 KiB: far above any reply line a mail server sends (SMTP allows 512 bytes, RFC 5321 4.5.3.1.5). */
    static final int MAX_LINE = 64 * 1024;
    /** 1 MiB: the header fields we fetch of one message, with room for a long Received chain. */
    static final int MAX_LITERAL = 1024 * 1024;
    /** 32 MiB: the UID listing of a mailbox of about a million messages, answered to one command. */
    static final long MAX_RESPONSE = 32L * 1024 * 1024;
    /** 64 KiB: a POP3 {@code TOP n 0} answer, the header block of one message. */
    public static final int MAX_TOP = 64 * 1024;
    /** 1 MiB: every reply of one SMTP command (multi-line EHLO included). */
    static final long MAX_SMTP_RESPONSE = 1024 * 1024;

    public ReadLimits {
        if (maxLine <= 0 || maxLiteral < 0 || maxResponse <= 0) {
            throw new IllegalArgumentException("read limits must be positive");
        }
        if (commandDeadline != null && (commandDeadline.isNegative() || commandDeadline.isZero())) {
            throw new IllegalArgumentException("commandDeadline must be positive");
        }
        if (idleDeadline != null && (commandDeadline == null || maxLiteral == 0
                || idleDeadline.compareTo(commandDeadline) < 0)) {
            throw new IllegalArgumentException("idleDeadline is for IMAP, at least commandDeadline");
        }
    }

    /** IMAP: literals up to {@link #MAX_LITERAL}, each command (IDLE too) done within {@code deadline}. */
    public static ReadLimits imap(Duration deadline) {
        return imap(deadline, null);
    }

    /**
     * IMAP: literals up to {@link #MAX_LITERAL}, each command done within {@code deadline}, an IDLE
     * ended within {@code idleDeadline} (null: {@code deadline}).
     */
    public static ReadLimits imap(Duration deadline, @Nullable Duration idleDeadline) {
        return new ReadLimits(MAX_LINE, MAX_LITERAL, MAX_RESPONSE, Objects.requireNonNull(deadline, "deadline"),
                idleDeadline);
    }

    /** POP3: lines only, each command done within {@code deadline}. */
    public static ReadLimits pop3(Duration deadline) {
        return new ReadLimits(MAX_LINE, 0, MAX_RESPONSE, Objects.requireNonNull(deadline, "deadline"), null);
    }

    /** SMTP: lines only; the probe's own deadline bounds the time. */
    public static ReadLimits smtp() {
        return new ReadLimits(MAX_LINE, 0, MAX_SMTP_RESPONSE, null, null);
    }
}
