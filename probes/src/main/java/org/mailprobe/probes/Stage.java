package org.mailprobe.probes;

import java.util.Locale;

/** A timed step of a probe's dialogue with a server, in the order they happen. */
public enum Stage {
    DNS,
    CONNECT,
    /** The TLS handshake of an implicit-TLS connection (465, 993, 995). */
    TLS,
    GREETING,
    EHLO,
    /** The STARTTLS command, its handshake and the EHLO that follows it. */
    STARTTLS,
    AUTH,
    /** MAIL FROM and RCPT TO. */
    ENVELOPE,
    /** DATA, the message, and the server's 250 after the final dot. */
    DATA,
    /** IMAP LOGIN/AUTHENTICATE or POP3 USER/PASS, including any STARTTLS before it. */
    LOGIN,
    /** IMAP SELECT or POP3 STAT/UIDL. */
    OPEN,
    /** Fetching headers of new messages. */
    FETCH;

    /** The value used in metric labels and JSON. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
