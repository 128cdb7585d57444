package org.mailprobe.agent.config;

import java.util.Locale;
import org.mailprobe.probes.AccessPath;

/** What a configured server speaks. */
public enum Protocol {
    SMTP,
    IMAP,
    POP3,
    /** A webmail over HTTP(S), given by its URL and driver. */
    WEBMAIL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The protocol a server must speak to be watched on {@code path}. */
    public static Protocol of(AccessPath path) {
        switch (path) {
            case IMAP:
                return IMAP;
            case POP3:
                return POP3;
            case WEBMAIL:
                return WEBMAIL;
            default:
                throw new IllegalArgumentException("no server protocol for access path " + path);
        }
    }
}
