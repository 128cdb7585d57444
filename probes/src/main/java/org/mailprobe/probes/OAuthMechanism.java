package org.mailprobe.probes;

import java.util.Locale;

/** The SASL mechanism that carries an OAuth 2.0 bearer token to a mail server. */
public enum OAuthMechanism {
    /** What the server advertises: OAUTHBEARER (the standard, RFC 7628) if offered, else XOAUTH2. */
    AUTO,
    /** Google's and Microsoft's {@code XOAUTH2}. */
    XOAUTH2,
    /** RFC 7628's {@code OAUTHBEARER}. */
    OAUTHBEARER;

    /** The value in config files and on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
