package org.mailprobe.probes.sink;

import java.util.Locale;

/** Why the sink turned something away: a closed set, usable as a metric label ({@link #label()}). */
public enum SinkRefusal {
    /** RCPT TO a domain the sink does not serve, relay attempts included: 550 at RCPT. */
    FOREIGN_DOMAIN,
    /** A message with no probe token header: 550 after DATA. */
    NOT_PROBE,
    /** A token header that does not verify under our key, or more than one: 550 after DATA. */
    FORGED_TOKEN,
    /** A message larger than the limit: 552 after DATA. */
    TOO_LARGE,
    /** A verified token the sink has already accepted once: 550 after DATA. */
    REPLAY,
    /** A verified token sent before its replay window, or too far in the future: 550 after DATA. */
    STALE,
    /** A connection beyond the connection limit: 421 instead of the greeting. */
    TOO_MANY_CONNECTIONS,
    /** A connection beyond the limit for one source address: 421 instead of the greeting. */
    TOO_MANY_FROM_SOURCE,
    /** MAIL before STARTTLS where TLS is required: 530. */
    TLS_REQUIRED,
    /** A connection still open at its lifetime limit (a client trickling bytes): closed. */
    TIMEOUT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
