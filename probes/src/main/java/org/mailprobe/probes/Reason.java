package org.mailprobe.probes;

import java.util.Locale;

/**
 * Why a probe failed: a closed set, so a metric label or an alert rule can rely on it. The label
 * is the lowercase name. Exceptions are mapped to reasons in one place, {@code internal.FailureClassifier}.
 */
public enum Reason {
    /** The probe succeeded. */
    NONE,
    /** The server's name did not resolve. */
    DNS,
    /** TCP connection refused, unreachable or reset before the protocol began. */
    CONNECT,
    /** The overall deadline or a read timeout passed. */
    TIMEOUT,
    /** The TLS handshake failed for a reason other than the certificate. */
    TLS,
    /** The server's certificate is not trusted or does not match its host name. */
    CERTIFICATE,
    /** STARTTLS was required but the server did not offer it or refused it. */
    STARTTLS,
    /** The server refused our credentials (a password, or an OAuth 2.0 token it was given). */
    AUTH,
    /**
     * No OAuth 2.0 access token could be had: the token endpoint refused the client or the refresh
     * token, did not answer, or the token file is missing. The mail server was not asked.
     */
    TOKEN,
    /** The server refused the message or a recipient (a 4xx/5xx reply to MAIL, RCPT or DATA). */
    REJECTED,
    /** The server said something the protocol does not allow, or closed the connection mid-dialogue. */
    PROTOCOL,
    /** The message did not arrive before the route's timeout. */
    LOST,
    /**
     * The message arrived only in a Junk folder (SPECIAL-USE {@code \Junk}, or one the watch names
     * so), where the watch does not count that as delivered: for the user it is not delivered, so
     * it is accounted like {@link #LOST} (issue 14); its delay is kept as evidence.
     */
    JUNK,
    /** A fault of our own (a bug or a local resource problem); logged with its stack trace. */
    INTERNAL,
    /**
     * A reachability check: the server's greeting was not its protocol's ready reply (SMTP 220,
     * IMAP {@code * OK}, POP3 {@code +OK}), e.g. SMTP 554 "no service here".
     */
    GREETING,
    /**
     * A reachability check of a web endpoint: the HTTP status was not one of those configured; or a
     * webmail answered a request with a status it should not (a 5xx, an unexpected 4xx).
     */
    HTTP_STATUS,
    /**
     * Webmail: the login form could not be read (no form token) or the webmail refused the login
     * (wrong password, a rejected form); the webmail's counterpart of {@link #AUTH}.
     */
    LOGIN,
    /** Webmail: the session ended and a fresh login at once did not give a working one. */
    SESSION,
    /**
     * Webmail: the list or search answer, or a message's source, was not what the driver reads
     * (no message rows, no source), so nothing could be looked for.
     */
    SEARCH;

    /** The value used in metric labels, JSON and the nagios output. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
