package org.mailprobe.probes;

import java.util.Locale;

/** How a user sees a delivered message; each is its own delay figure. */
public enum AccessPath {
    IMAP,
    POP3;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
