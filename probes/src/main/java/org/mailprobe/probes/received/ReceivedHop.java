package org.mailprobe.probes.received;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One Received header: one hop of a message's trace (RFC 5321 section 4.4, RFC 5322 section
 * 3.6.7). Every field is as the server wrote it, or null when the server left it out or it could
 * not be read; a hop is evidence, never a figure on its own.
 *
 * @param from the {@code from} clause's first word: the name the client gave in HELO/EHLO, a
 *     host name, or an address literal, as written
 * @param fromAddress the client's IP address from the {@code from} clause, without brackets or an
 *     {@code IPv6:} prefix: from its TCP-info comment ({@code (host [192.0.2.1])}, Exchange's
 *     {@code (2603:10a6::18)}) or, failing that, the {@code from} word itself when it is an address
 * @param by the {@code by} clause: the host that wrote this header
 * @param via the {@code via} clause (Exchange writes {@code via Frontend Transport})
 * @param with the {@code with} clause: the protocol ({@code ESMTPS}, {@code LMTP}, Exchange's
 *     {@code Microsoft SMTP Server})
 * @param id the {@code id} clause: the writer's queue or message id
 * @param forAddress the {@code for} clause's address, without angle brackets
 * @param timestamp the date after the header's last {@code ;}, or null when it is missing or
 *     names no instant: no zone, an ambiguous zone name, an impossible date, a year outside
 *     1900-9999 (RFC 5322 section 3.3 and the obsolete forms of section 4.3 are read)
 * @param raw the header's text, unfolded, control characters replaced by U+FFFD, at most
 *     {@link #MAX_HEADER_CHARS} characters
 */
public record ReceivedHop(@Nullable String from, @Nullable String fromAddress, @Nullable String by, @Nullable String via,
        @Nullable String with, @Nullable String id,
        @Nullable String forAddress, @Nullable Instant timestamp, String raw) {
    /** Real Received headers are a few hundred characters; beyond this a header is cut. */
    public static final int MAX_HEADER_CHARS = 8 * 1024;

    /** Reads one Received header's value (folded or not, with or without its name). Never throws. */
    public static ReceivedHop parse(String headerValue) {
        return ReceivedParser.parse(headerValue);
    }
}
