package org.mailprobe.probes;

import java.util.Locale;

/** What a reachability check speaks after the TCP connect (and TLS, if any). */
public enum EndpointKind {
    /** SMTP submission (587, 465) or an MX (25): greeting 220, STARTTLS, AUTH PLAIN. */
    SMTP,
    /** IMAP (143, 993): greeting {@code * OK}, STARTTLS, LOGIN. */
    IMAP,
    /** POP3 (110, 995): greeting {@code +OK}, STLS, USER/PASS. */
    POP3,
    /** Webmail: an HTTP/1.1 GET whose status must be in a configured set. */
    HTTP,
    /** TCP connect (and TLS if asked) only: for control targets that speak none of the above. */
    TCP;

    /** The value used in config, metric labels and JSON. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
