package org.mailprobe.probes.filter;

import java.util.Locale;

/** Which of the provider's filters a sample passes: a closed set, a metric label. */
public enum SampleDirection {
    /** Delivered as a source mail server to the provider's MX: its inbound filters. */
    INBOUND,
    /** Submitted with authentication through the provider's submission service: its outbound filters. */
    OUTBOUND;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
