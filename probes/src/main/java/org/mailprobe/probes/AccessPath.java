package org.mailprobe.probes;

import java.util.Locale;

/**
 * Where a probe was seen; each is its own delay figure. {@code imap}, {@code pop3} and
 * {@code webmail} are how a user sees a delivered message (the loop and receive legs);
 * {@code sink} is the agent's own SMTP receiver, where the send leg sees the provider start
 * delivering.
 */
public enum AccessPath {
    IMAP,
    POP3,
    WEBMAIL,
    SINK;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
